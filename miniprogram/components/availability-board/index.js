// Applicant's 申请 tab: categories with live availability (the emergency reserve and the waiting list too),
// operating guide, apply (排队申请 when nothing is free for a routine request), 抢救 in one tap to a prefilled
// form, and scan.
const categories = require('../../services/categories');
const { categoryView } = require('../../utils/views');
const { runLoad } = require('../../utils/load');
const { scanAndOpen } = require('../../utils/scan-route');

const formUrl = (id, extra = '') => `/pages/apply-form/index?category_id=${encodeURIComponent(id)}${extra}`;

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
    /** 申请借用, or 排队申请 at 0 free for a routine request: the API accepts it and queues it. */
    onApply(event) {
      const { id } = event.currentTarget.dataset;
      wx.navigateTo({ url: formUrl(id) });
    },
    /** 抢救: the form opens prefilled (urgency 抢救, reason 抢救); its one tap sends the request. */
    onEmergency(event) {
      const { id } = event.currentTarget.dataset;
      wx.navigateTo({ url: formUrl(id, '&urgency=emergency') });
    },
    /** The label scanned leads to the step it is scanned for (utils/scan-route), carrying the scan. */
    onScan() {
      return scanAndOpen();
    },
  },
});
