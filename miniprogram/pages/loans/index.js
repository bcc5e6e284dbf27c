// Managers: all loans with status / overdue filters (the API scopes applicants to their department).
Component({
  methods: {
    onShow() {
      return this.selectComponent('#body').refresh();
    },
    onPullDownRefresh() {
      return this.onShow().then(() => wx.stopPullDownRefresh());
    },
    onReachBottom() {
      return this.selectComponent('#body').loadMore();
    },
  },
});
