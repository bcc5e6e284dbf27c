// Managers' device list: filter by status and category, scan, add, print labels. Two more views: devices
// waiting for disinfection (待消毒, longest waiting first, with the hours waited; red past the alert time) and
// what falls due for maintenance or calibration within 30 days (30天内到期, past due first, red when past).
const devices = require('../../services/devices');
const categories = require('../../services/categories');
const { departmentNames } = require('../../services/departments');
const { deviceView } = require('../../utils/views');
const { DEVICE_STATUS } = require('../../utils/labels');
const { runLoad } = require('../../utils/load');
const { scanDeviceId } = require('../../utils/scan');

const STATUS_FILTERS = [{ value: '', label: '全部状态' }].concat(
  Object.keys(DEVICE_STATUS).map((value) => ({ value, label: DEVICE_STATUS[value] })),
);

const VIEWS = [{ value: '', label: '全部设备' }, { value: 'cleaning', label: '待消毒' }, { value: 'due', label: '30天内到期' }];
const DUE_DAYS = 30;

Component({
  data: {
    loading: true, error: '', items: [], cursor: null, status: '', categoryId: '', view: '',
    views: VIEWS, statusFilters: STATUS_FILTERS, categoryFilters: [{ value: '', label: '全部类别' }],
  },
  methods: {
    onLoad(query = {}) {
      if (VIEWS.some((v) => v.value && v.value === query.view)) this.setData({ view: query.view });
    },
    onShow() {
      return this.reload();
    },
    list(extra = {}) {
      if (this.data.view === 'cleaning') return devices.listCleaning(extra);
      if (this.data.view === 'due') return devices.listDue(DUE_DAYS, extra);
      return devices.listDevices({ ...this.query(), ...extra });
    },
    onView(event) {
      this.setData({ view: event.detail.value });
      return this.reload();
    },
    onPullDownRefresh() {
      return this.reload().then(() => wx.stopPullDownRefresh());
    },
    query() {
      return { status: this.data.status, category_id: this.data.categoryId };
    },
    reload() {
      return runLoad(this, async () => {
        const [page, cats, names] = await Promise.all([
          this.list(), categories.listCategories(), departmentNames()]);
        const catNames = await categories.categoryNames();
        return {
          items: (page.items || []).map((d) => deviceView(d, names, catNames)),
          cursor: page.next_cursor || null,
          categoryFilters: [{ value: '', label: '全部类别' }].concat((cats.items || []).map((c) => ({ value: c.id, label: c.name }))),
        };
      });
    },
    async loadMore() {
      const [page, names, catNames] = await Promise.all([
        this.list({ cursor: this.data.cursor }), departmentNames(), categories.categoryNames()]);
      this.setData({ items: this.data.items.concat((page.items || []).map((d) => deviceView(d, names, catNames))), cursor: page.next_cursor || null });
    },
    onStatus(event) {
      this.setData({ status: event.detail.value });
      return this.reload();
    },
    onCategory(event) {
      this.setData({ categoryId: event.detail.value });
      return this.reload();
    },
    onOpen(event) {
      wx.navigateTo({ url: `/pages/device-detail/index?id=${encodeURIComponent(event.currentTarget.dataset.id)}` });
    },
    onCreate() {
      wx.navigateTo({ url: '/pages/device-edit/index' });
    },
    onLabels() {
      wx.navigateTo({ url: `/pages/labels/index${this.data.categoryId ? `?category_id=${encodeURIComponent(this.data.categoryId)}` : ''}` });
    },
    async onScan() {
      const id = await scanDeviceId();
      if (id) wx.navigateTo({ url: `/pages/device-detail/index?id=${encodeURIComponent(id)}` });
    },
  },
});
