// Manager's 审批 tab: pending requests (most urgent first, as the API orders them), hand-overs to do,
// returns to confirm. Actions happen on the loan's detail page. Managers subscribe here to the WeChat
// reminder of new requests (one-time: one accepted prompt = one reminder).
const loans = require('../../services/loans');
const { departmentNames } = require('../../services/departments');
const { categoryNames } = require('../../services/categories');
const { loanView } = require('../../utils/views');
const paging = require('../../utils/paging');
const { scanDeviceId } = require('../../utils/scan');
const subscribe = require('../../services/subscribe');

const QUEUES = [
  { value: 'pending', label: '待审批', empty: '没有待审批的申请' },
  { value: 'approved', label: '待交接', empty: '没有待交接的设备' },
  { value: 'return_requested', label: '待确认归还', empty: '没有待确认的归还' },
];

Component({
  data: { queues: QUEUES, queue: 'pending', emptyText: QUEUES[0].empty, loading: true, error: '', loans: [], cursor: null, emergencies: 0, subscribeText: '', paging: paging.IDLE },
  methods: {
    list() {
      return {
        key: 'loans',
        fetch: async (cursor) => {
          const query = cursor ? { status: this.data.queue, cursor } : { status: this.data.queue };
          const [page, names, cats] = await Promise.all([loans.listLoans(query), departmentNames(), categoryNames()]);
          this.names = names;
          this.cats = cats;
          return page;
        },
        map: (l) => loanView(l, this.names, this.cats),
      };
    },
    counted(done) {
      this.setData({ emergencies: this.data.loans.filter((l) => l.isEmergency).length });
      return done;
    },
    /** On show (also back from a loan's page): the queue stays on screen while it is read again. */
    refresh() {
      return paging.refresh(this, this.list()).then((ok) => this.counted(ok));
    },
    loadMore() {
      return paging.nextPage(this, this.list()).then((ok) => this.counted(ok));
    },
    onQueue(event) {
      const queue = event.detail.value;
      this.setData({ queue, emptyText: QUEUES.find((q) => q.value === queue).empty, loans: [] });
      return paging.firstPage(this, this.list()).then((ok) => this.counted(ok));
    },
    /** The prompt must be asked from the tap itself (no await before it). */
    async onSubscribe() {
      const { asked, accepted } = await subscribe.askForNewRequests();
      if (!asked.length) {
        wx.showToast({ title: '未配置新申请提醒模板，请联系管理员', icon: 'none' });
      } else if (accepted.length) {
        wx.showToast({ title: '已订阅', icon: 'success' });
      } else {
        wx.showToast({ title: '未订阅：新申请仍会显示在本页', icon: 'none' });
      }
      this.setData({ subscribeText: accepted.length ? '已订阅下一条新申请的微信提醒，收到后请再次订阅' : '' });
      return { asked, accepted };
    },
    async onScan() {
      const id = await scanDeviceId();
      if (id) wx.navigateTo({ url: `/pages/device-detail/index?id=${encodeURIComponent(id)}` });
    },
  },
});
