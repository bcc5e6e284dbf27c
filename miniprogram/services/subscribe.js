/**
 * The subscribe-message prompts (WeChat subscriptions are one-time: each accepted prompt allows one
 * message of that template). Never fails the caller: the app keeps working without a subscription, and
 * every notification is also kept in the app (我的消息).
 *
 * Template names (config/index.js subscribeTemplateIds) and the API templates they stand for:
 *   loanResult -> loan_result (approved / rejected / handed over / returned), applicants
 *   loanDue    -> loan_due (due soon, overdue), applicants
 *   newRequest -> new_request (a new loan request), managers
 */
const env = require('./env');

function templateIds(names) {
  const ids = env.environment().subscribeTemplateIds || {};
  return names.map((name) => ids[name]).filter(Boolean);
}

/**
 * Ask for the named templates. Must run inside a tap handler, before any await. Resolves with
 * {asked: [ids], accepted: [ids]}: `asked` is empty when no template is configured or the API is missing.
 */
function ask(names) {
  const tmplIds = templateIds(names);
  if (!tmplIds.length || typeof wx.requestSubscribeMessage !== 'function') return Promise.resolve({ asked: [], accepted: [] });
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds,
      success: (res) => resolve({ asked: tmplIds, accepted: tmplIds.filter((id) => res && res[id] === 'accept') }),
      fail: () => resolve({ asked: tmplIds, accepted: [] }),
    });
  });
}

/** Applicants, when they apply: the result of the request and its due-soon / overdue reminders. */
const askForLoanUpdates = () => ask(['loanResult', 'loanDue']);
/** Managers: the next new loan request. */
const askForNewRequests = () => ask(['newRequest']);

module.exports = { ask, askForLoanUpdates, askForNewRequests, templateIds };
