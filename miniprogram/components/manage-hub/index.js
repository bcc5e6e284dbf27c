// Manager's 管理 tab: entries to devices, categories, loans, users, departments, records, statistics, billing, loan imports, labels,
// the notification outbox and overdue blocks.
const { scanDeviceId } = require('../../utils/scan');

const ENTRIES = [
  { text: '设备', icon: 'logistics', url: '/pages/devices/index' },
  { text: '待消毒', icon: 'brush-o', url: '/pages/devices/index?view=cleaning' },
  { text: '维护/检定到期', icon: 'calendar-o', url: '/pages/devices/index?view=due' },
  { text: '设备类别', icon: 'apps-o', url: '/pages/categories/index' },
  { text: '借用单', icon: 'orders-o', url: '/pages/loans/index' },
  { text: '用户审核', icon: 'friends-o', url: '/pages/users/index' },
  { text: '科室', icon: 'cluster-o', url: '/pages/departments/index' },
  { text: '操作记录', icon: 'records', url: '/pages/records/index' },
  { text: '统计', icon: 'chart-trending-o', url: '/pages/stats/index' },
  { text: '计费', icon: 'balance-o', url: '/pages/billing/index' },
  { text: '导入借用', icon: 'upgrade', url: '/pages/imports/index' },
  { text: '打印标签', icon: 'qr', url: '/pages/labels/index' },
  { text: '消息队列', icon: 'envelop-o', url: '/pages/outbox/index' },
  { text: '逾期限制', icon: 'warning-o', url: '/pages/blocks/index' },
];

Component({
  data: { entries: ENTRIES },
  methods: {
    refresh() {
      return Promise.resolve(true);
    },
    onOpen(event) {
      wx.navigateTo({ url: event.currentTarget.dataset.url });
    },
    async onScan() {
      const id = await scanDeviceId();
      if (id) wx.navigateTo({ url: `/pages/device-detail/index?id=${encodeURIComponent(id)}` });
    },
  },
});
