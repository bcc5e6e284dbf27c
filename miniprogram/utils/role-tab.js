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
        selectTab(this, path);
        return this.selectComponent('#body').refresh();
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
