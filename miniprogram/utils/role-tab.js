// A tab slot whose page depends on the role: WeChat allows five tabs, the two roles need six pages.
const session = require('../services/session');
const { selectTab } = require('./tabs');

function roleTab(path, titles) {
  return {
    data: { isManager: false },
    methods: {
      onShow() {
        const isManager = session.isManager();
        this.setData({ isManager });
        wx.setNavigationBarTitle({ title: isManager ? titles.manager : titles.applicant });
        const body = this.selectComponent('#body');
        if (typeof body.startPolling === 'function') body.startPolling();
        return body.refresh().then((ok) => {
          selectTab(this, path); // after the read: the tab bar shows the badges it set
          return ok;
        });
      },
      /** A list read on a timer (the 审批 queue) stops when its tab is not shown. */
      onHide() {
        const body = this.selectComponent('#body');
        if (body && typeof body.stopPolling === 'function') body.stopPolling();
      },
      /** The 审批 queue's counts: the tab bar's badge follows at once. */
      onCounts() {
        selectTab(this, path);
      },
      /** Scrolled to the end: the role's list (if it pages) reads its next page. */
      onReachBottom() {
        const body = this.selectComponent('#body');
        return body && typeof body.loadMore === 'function' ? body.loadMore() : undefined;
      },
      onPullDownRefresh() {
        return this.selectComponent('#body').refresh().then(() => wx.stopPullDownRefresh());
      },
    },
  };
}

module.exports = { roleTab };
