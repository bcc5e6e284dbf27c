/** The subscribe-message prompt (one-time subscriptions). Never fails the caller: the app keeps working without it. */
const env = require('./env');

function templateIds(names) {
  const ids = env.environment().subscribeTemplateIds || {};
  return names.map((name) => ids[name]).filter(Boolean);
}

/** Must run inside a tap handler. Resolves with {accepted: [ids]} (possibly empty). */
function askForLoanUpdates() {
  const tmplIds = templateIds(['loanResult', 'loanOverdue']);
  if (!tmplIds.length || typeof wx.requestSubscribeMessage !== 'function') return Promise.resolve({ accepted: [] });
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds,
      success: (res) => resolve({ accepted: tmplIds.filter((id) => res && res[id] === 'accept') }),
      fail: () => resolve({ accepted: [] }),
    });
  });
}

module.exports = { askForLoanUpdates, templateIds };
