// One loan in a list (a view from utils/views.loanView); tapping opens its detail page.
Component({
  properties: { loan: { type: Object, value: {} } },
  methods: {
    onTap() {
      wx.navigateTo({ url: `/pages/loan-detail/index?id=${encodeURIComponent(this.data.loan.id)}` });
    },
  },
});
