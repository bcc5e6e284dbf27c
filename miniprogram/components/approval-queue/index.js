// Manager's 审批 tab: pending requests (most urgent first, as the API orders them), hand-overs to do,
// returns to confirm. Actions happen on the loan's detail page.
const loans = require('../../services/loans');
const { departmentNames } = require('../../services/departments');
const { loanView } = require('../../utils/views');
const { runLoad } = require('../../utils/load');
const { scanDeviceId } = require('../../utils/scan');

const QUEUES = [
  { value: 'pending', label: '待审批', empty: '没有待审批的申请' },
  { value: 'approved', label: '待交接', empty: '没有待交接的设备' },
  { value: 'return_requested', label: '待确认归还', empty: '没有待确认的归还' },
];

Component({
  data: { queues: QUEUES, queue: 'pending', emptyText: QUEUES[0].empty, loading: true, error: '', loans: [], cursor: null, emergencies: 0 },
  methods: {
    refresh() {
      return runLoad(this, async () => {
        const [page, names] = await Promise.all([loans.listLoans({ status: this.data.queue }), departmentNames()]);
        const items = (page.items || []).map((l) => loanView(l, names));
        return { loans: items, cursor: page.next_cursor || null, emergencies: items.filter((l) => l.isEmergency).length };
      });
    },
    async loadMore() {
      if (!this.data.cursor) return;
      const [page, names] = await Promise.all([
        loans.listLoans({ status: this.data.queue, cursor: this.data.cursor }), departmentNames()]);
      this.setData({ loans: this.data.loans.concat((page.items || []).map((l) => loanView(l, names))), cursor: page.next_cursor || null });
    },
    onQueue(event) {
      const queue = event.detail.value;
      this.setData({ queue, emptyText: QUEUES.find((q) => q.value === queue).empty });
      return this.refresh();
    },
    async onScan() {
      const id = await scanDeviceId();
      if (id) wx.navigateTo({ url: `/pages/device-detail/index?id=${encodeURIComponent(id)}` });
    },
  },
});
