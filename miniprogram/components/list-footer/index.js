// The end of a paged list (utils/paging): 加载中…, the error with 点此重试, 加载更多, or 没有更多了.
Component({
  properties: {
    paging: { type: Object, value: {} },
    more: { type: Boolean, value: false },
  },
  methods: {
    onMore() {
      this.triggerEvent('more');
    },
  },
});
