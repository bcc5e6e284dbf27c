// Manager's 审批 tab: pending requests (most urgent first, as the API orders them), hand-overs to do,
// returns to confirm. Actions happen on the loan's detail page. Managers subscribe here to the WeChat
// reminder of new requests (one-time: one accepted prompt = one reminder).
const loans = require('../../services/loans');
const { departmentNames } = require('../../services/departments');
const { categoryNames } = require('../../services/categories');
const { loanView } = require('../../utils/views');
const { runLoad } = require('../../utils/load');
const { scanDeviceId } = require('../../utils/scan');
const subscribe = require('../../services/subscribe');

const QUEUES = [
  { value: 'pending', label: '待审批', empty: '没有待审批的申请' },
  { value: 'approved', label: '待交接', empty: '没有待交接的设备' },
  { value: 'return_requested', label: '待确认归还', empty: '没有待确认的归还' },
];

Component({
  data: { queues: QUEUES, queue: 'pending', emptyText: QUEUES[0].empty, loading: true, error: '', loans: [], cursor: null, emergencies: 0, subscribeText: '' },
  methods: {
    refresh() {
      return runLoad(this, async () => {
        const [page, names, cats] = await Promise.all([loans.listLoans({ status: this.data.queue }), departmentNames(), categoryNames()]);
        const items = (page.items || []).map((l) => loanView(l, names, cats));
        return { loans: items, cursor: page.next_cursor || null, emergencies: items.filter((l) => l.isEmergency).length };
      });
    },
    async loadMore() {
      if (!this.data.cursor) return;
      const [page, names, cats] = await Promise.all([
        loans.listLoans({ status: this.data.queue, cursor: this.data.cursor }), departmentNames(), categoryNames()]);
      this.setData({ loans: this.data.loans.concat((page.items || []).map((l) => loanView(l, names, cats))), cursor: page.next_cursor || null });
    },
    onQueue(event) {
      const queue = event.detail.value;
      this.setData({ queue, emptyText: QUEUES.find((q) => q.value === queue).empty });
      return this.refresh();
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
