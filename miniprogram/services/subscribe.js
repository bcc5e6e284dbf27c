/**
 * The subscribe-message prompts (WeChat subscriptions are one-time: each accepted prompt allows one
 * message of that template, unless the user ticked 总是保持以上选择). Never fails the caller: the app keeps
 * working without a subscription, and every notification is also kept in the app (我的消息).
 *
 * Template names (config/index.js subscribeTemplateIds) and the API templates they stand for:
 *   loanResult -> loan_result (approved / rejected / handed over / returned), applicants
 *   loanDue    -> loan_due (due soon, overdue), applicants
 *   newRequest -> new_request (a new loan request), managers
 */
const env = require('./env');

const NONE = { asked: [], accepted: [] };

function templateIds(names) {
  const ids = env.templateIds();
  return names.map((name) => ids[name]).filter(Boolean);
}

/** Ask WeChat for `tmplIds`. Must run inside a tap (or a modal's confirm), before any await. */
function request(tmplIds) {
  if (!tmplIds.length || typeof wx.requestSubscribeMessage !== 'function') return Promise.resolve(NONE);
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds,
      success: (res) => resolve({ asked: tmplIds, accepted: tmplIds.filter((id) => res && res[id] === 'accept') }),
      fail: () => resolve({ asked: tmplIds, accepted: [] }),
    });
  });
}

/**
 * Ask for the named templates. Must run inside a tap handler, before any await. Resolves with
 * {asked: [ids], accepted: [ids]}: `asked` is empty when no template is configured or the API is missing.
 */
const ask = (names) => request(templateIds(names));

/**
 * The templates of `names` worth asking for: not already decided "always" (accepted or rejected for good:
 * wx.getSetting({withSubscriptions: true}).subscriptionsSetting.itemSettings), and none when the user switched
 * subscriptions off altogether. When the setting cannot be read, every template is worth asking for.
 */
function undecided(names) {
  const ids = templateIds(names);
  if (!ids.length || typeof wx.getSetting !== 'function') return Promise.resolve(ids);
  return new Promise((resolve) => {
    wx.getSetting({
      withSubscriptions: true,
      success: (res) => {
        const setting = (res && res.subscriptionsSetting) || {};
        if (setting.mainSwitch === false) return resolve([]);
        const decided = setting.itemSettings || {};
        return resolve(ids.filter((id) => !decided[id]));
      },
      fail: () => resolve(ids),
    });
  });
}

/**
 * After an action was sent: offer the templates not already granted "always" in a dialog whose 接收 tap asks
 * WeChat (a dialog's button counts as the user's tap). Resolves {asked, accepted} once answered (NONE when
 * there was nothing to ask or it was declined).
 */
async function offer(names, title, content) {
  const ids = await undecided(names);
  if (!ids.length || typeof wx.requestSubscribeMessage !== 'function') return NONE;
  return new Promise((resolve) => {
    wx.showModal({
      title,
      content,
      confirmText: '接收',
      cancelText: '不用',
      success: (res) => (res && res.confirm ? request(ids).then(resolve) : resolve(NONE)),
      fail: () => resolve(NONE),
    });
  });
}

const LOAN_UPDATES = ['loanResult', 'loanDue'];
/** Applicants, when they apply (from the tap): the result of the request and its due-soon / overdue reminders. */
const askForLoanUpdates = () => ask(LOAN_UPDATES);
/** Applicants, after the request was sent: offered in a dialog, only what is not granted "always". */
const offerLoanUpdates = (title) => offer(LOAN_UPDATES, title, '通过微信接收审批结果和到期、逾期提醒？');
/** Managers: the next new loan request. */
const askForNewRequests = () => ask(['newRequest']);
/** Managers, after a new request arrived: offered again (one-time subscriptions are used up by each message). */
const offerNewRequests = (title) => offer(['newRequest'], title, '继续通过微信接收下一条新申请提醒？');

module.exports = {
  ask, offer, undecided, askForLoanUpdates, offerLoanUpdates, askForNewRequests, offerNewRequests, templateIds,
};
