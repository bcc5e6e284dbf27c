/**
 * Per-environment settings, chosen by the mini program's version (wx.getAccountInfoSync().miniProgram.envVersion:
 * develop / trial / release), or by `MEDPOOL_ENV` in storage (DevTools). The ONE place for the API base URL, the
 * appid and the subscribe-message template ids of each version.
 *
 * Before a trial or release upload, replace every `FILL_IN:` value below. A version with a `FILL_IN:` (or empty)
 * setting refuses to start and says which settings are missing (services/env.js configProblem); a placeholder is
 * never sent to the API or to WeChat.
 */
const FILL_IN = 'FILL_IN:';

// Placeholder ids of the local API (layers/medpool/config.py LOCAL_TEMPLATES): WeChat rejects them in DevTools and
// the app carries on without a subscription.
const LOCAL_TEMPLATES = {
  loanResult: 'LOCAL_TEMPLATE_LOAN_RESULT', // API template loan_result: approved / rejected / handed over / returned
  loanDue: 'LOCAL_TEMPLATE_LOAN_OVERDUE', // API template loan_due: due soon and overdue reminders
  newRequest: 'LOCAL_TEMPLATE_NEW_REQUEST', // API template new_request: a new loan request (managers)
};

/** A version's settings to fill in: the API's HTTPS address, the appid, the ids of MEDPOOL_WECHAT_TEMPLATES. */
const toFill = (version) => ({
  apiBaseUrl: `${FILL_IN}${version}.apiBaseUrl (https://...)`,
  appid: `${FILL_IN}${version}.appid (wx...)`,
  subscribeTemplateIds: {
    loanResult: `${FILL_IN}${version}.loanResult (loan_result)`,
    loanDue: `${FILL_IN}${version}.loanDue (loan_due)`,
    newRequest: `${FILL_IN}${version}.newRequest (new_request)`,
  },
});

module.exports = {
  FILL_IN,
  environments: {
    develop: { apiBaseUrl: 'http://127.0.0.1:8000', appid: 'touristappid', subscribeTemplateIds: LOCAL_TEMPLATES },
    trial: toFill('trial'),
    release: toFill('release'),
  },
  defaultEnvironment: 'develop',
  requestTimeoutMs: 15000,
  // Device codes are mini program codes (path pages/device-detail/index?scene=<id>, from GET /devices/{id}/code);
  // labels printed by earlier versions carry this prefix + id and are still read by the scanner.
  deviceCodePrefix: 'medpool:device:',
};
