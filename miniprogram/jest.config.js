// Two projects: `unit` (pages, components, services with a fake API; jsdom + miniprogram-simulate) and
// `e2e` (the services against the real local API, started once by its globalSetup only when selected).
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'jsdom',
      testEnvironmentOptions: { url: 'https://servicewechat.com/' },
      setupFiles: ['<rootDir>/tests/setup.js'],
      testMatch: ['<rootDir>/tests/pages/**/*.test.js', '<rootDir>/tests/services/**/*.test.js', '<rootDir>/tests/utils/**/*.test.js'],
      modulePathIgnorePatterns: ['<rootDir>/miniprogram_npm/'],
      // the statistics page requires uCharts' build copied into its subpackage (scripts/build-npm.js)
      moduleNameMapper: { '^\\./ucharts$': '@qiun/ucharts' },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/e2e/**/*.test.js'],
      globalSetup: '<rootDir>/tests/e2e/start-stack.js',
      globalTeardown: '<rootDir>/tests/e2e/stop-stack.js',
      modulePathIgnorePatterns: ['<rootDir>/miniprogram_npm/'],
    },
  ],
  testTimeout: 20000,
};
