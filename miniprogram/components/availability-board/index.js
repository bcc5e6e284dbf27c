// Applicant's 申请 tab: categories with live availability, operating guide, apply and scan.
const categories = require('../../services/categories');
const { categoryView } = require('../../utils/views');
const { runLoad } = require('../../utils/load');
const { scanDeviceId } = require('../../utils/scan');

Component({
  data: { loading: true, error: '', categories: [], expanded: '' },
  methods: {
    refresh() {
      return runLoad(this, async () => {
        const page = await categories.listCategories();
        return { categories: (page.items || []).map(categoryView) };
      });
    },
    onToggleGuide(event) {
      const { id } = event.currentTarget.dataset;
      this.setData({ expanded: this.data.expanded === id ? '' : id });
    },
    onApply(event) {
      const { id } = event.currentTarget.dataset;
      wx.navigateTo({ url: `/pages/apply-form/index?category_id=${encodeURIComponent(id)}` });
    },
    async onScan() {
      const id = await scanDeviceId();
      if (id) wx.navigateTo({ url: `/pages/device-detail/index?id=${encodeURIComponent(id)}` });
    },
  },
});
