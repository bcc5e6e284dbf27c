/**
 * Per-environment settings. The environment follows the mini program's version
 * (develop -> local, trial/release -> prod) unless `MEDPOOL_ENV` is set in storage.
 * Fill `prod.apiBaseUrl` and the template ids from the WeChat admin console before a release.
 */
module.exports = {
  environments: {
    local: {
      apiBaseUrl: 'http://127.0.0.1:8000',
      // Placeholder ids: WeChat rejects them in DevTools and the app carries on without a subscription.
      subscribeTemplateIds: {
        loanResult: 'LOCAL_TEMPLATE_LOAN_RESULT',
        loanOverdue: 'LOCAL_TEMPLATE_LOAN_OVERDUE',
      },
    },
    prod: {
      apiBaseUrl: '',
      subscribeTemplateIds: {
        loanResult: '',
        loanOverdue: '',
      },
    },
  },
  versionToEnvironment: { develop: 'local', trial: 'prod', release: 'prod' },
  defaultEnvironment: 'local',
  requestTimeoutMs: 15000,
  // Text of a device's code: `medpool:device:<id>` (plain QR); WeChat mini program codes carry scene=<id>.
  deviceCodePrefix: 'medpool:device:',
};
