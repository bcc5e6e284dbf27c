// Tab slot 2: 申请 (availability board) for applicants, 审批 (approval queue) for managers.
const session = require('../../services/session');
const { selectTab } = require('../../utils/tabs');

Component({
  data: { isManager: false },
  methods: {
    onShow() {
      const isManager = session.isManager();
      this.setData({ isManager });
      wx.setNavigationBarTitle({ title: isManager ? '审批' : '申请' });
      selectTab(this, '/pages/apply/index');
      return this.selectComponent('#body').refresh();
    },
    onPullDownRefresh() {
      return this.selectComponent('#body').refresh().then(() => wx.stopPullDownRefresh());
    },
  },
});
