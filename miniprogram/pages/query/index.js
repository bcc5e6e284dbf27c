// Tab slot 3: 查询 (the department's loans) for applicants, 管理 (management hub) for managers.
const session = require('../../services/session');
const { selectTab } = require('../../utils/tabs');

Component({
  data: { isManager: false },
  methods: {
    onShow() {
      const isManager = session.isManager();
      this.setData({ isManager });
      wx.setNavigationBarTitle({ title: isManager ? '管理' : '查询' });
      selectTab(this, '/pages/query/index');
      return this.selectComponent('#body').refresh();
    },
    onPullDownRefresh() {
      return this.selectComponent('#body').refresh().then(() => wx.stopPullDownRefresh());
    },
  },
});
