// Managers' device categories: rates, loan period, availability; add and edit.
const categories = require('../../services/categories');
const { categoryView } = require('../../utils/views');
const { runLoad } = require('../../utils/load');

Component({
  data: { loading: true, error: '', items: [] },
  methods: {
    onShow() {
      return runLoad(this, async () => {
        const page = await categories.listCategories();
        return { items: (page.items || []).map(categoryView) };
      });
    },
    onCreate() {
      wx.navigateTo({ url: '/pages/category-edit/index' });
    },
    onOpen(event) {
      wx.navigateTo({ url: `/pages/category-edit/index?id=${encodeURIComponent(event.currentTarget.dataset.id)}` });
    },
  },
});
