/**
 * Per-environment settings. The environment follows the mini program's version
 * (develop -> local, trial/release -> prod) unless `MEDPOOL_ENV` is set in storage.
 * Fill `prod.apiBaseUrl` and the template ids from the WeChat admin console before a release.
 */
module.exports = {
  environments: {
    local: {
      apiBaseUrl: 'http://127.0.0.1:8000',
      // Placeholder ids (the same as the local API's, layers/medpool/config.py LOCAL_TEMPLATES): WeChat
      // rejects them in DevTools and the app carries on without a subscription.
      subscribeTemplateIds: {
        loanResult: 'LOCAL_TEMPLATE_LOAN_RESULT', // API template loan_result: approved / rejected / handed over / returned
        loanDue: 'LOCAL_TEMPLATE_LOAN_OVERDUE', // API template loan_due: due soon and overdue reminders
        newRequest: 'LOCAL_TEMPLATE_NEW_REQUEST', // API template new_request: a new loan request (managers)
      },
    },
    prod: {
      apiBaseUrl: '',
      // The same ids as the API's MEDPOOL_WECHAT_TEMPLATES {loan_result, loan_due, new_request}.
      subscribeTemplateIds: {
        loanResult: '',
        loanDue: '',
        newRequest: '',
      },
    },
  },
  versionToEnvironment: { develop: 'local', trial: 'prod', release: 'prod' },
  defaultEnvironment: 'local',
  requestTimeoutMs: 15000,
  // Device codes are mini program codes (path pages/device-detail/index?scene=<id>, from GET /devices/{id}/code);
  // labels printed by earlier versions carry this prefix + id and are still read by the scanner.
  deviceCodePrefix: 'medpool:device:',
};
