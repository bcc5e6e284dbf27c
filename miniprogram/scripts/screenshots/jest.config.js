// Jest run used by `make screenshots` only (not by `npm test`): renders the pages to HTML files.
const path = require('path');

module.exports = {
  rootDir: path.resolve(__dirname, '../..'),
  testEnvironment: 'jsdom',
  testEnvironmentOptions: { url: 'https://servicewechat.com/' },
  setupFiles: ['<rootDir>/tests/setup.js'],
  testMatch: ['<rootDir>/scripts/screenshots/render-pages.js'],
  modulePathIgnorePatterns: ['<rootDir>/miniprogram_npm/'],
  testTimeout: 60000,
};
