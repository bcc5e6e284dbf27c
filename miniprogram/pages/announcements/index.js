// 公告 tab: pinned first, newest first (API order); managers write and edit.
const announcements = require('../../services/announcements');
const session = require('../../services/session');
const { formatTime } = require('../../utils/time');
const { runLoad } = require('../../utils/load');
const { selectTab } = require('../../utils/tabs');

const view = (a) => ({ ...a, publishedText: formatTime(a.published_at) });

Component({
  data: { loading: true, error: '', items: [], cursor: null, expanded: '', isManager: false },
  methods: {
    onShow() {
      selectTab(this, '/pages/announcements/index');
      this.setData({ isManager: session.isManager() });
      return runLoad(this, async () => {
        const page = await announcements.listAnnouncements();
        return { items: (page.items || []).map(view), cursor: page.next_cursor || null };
      });
    },
    onPullDownRefresh() {
      return this.onShow().then(() => wx.stopPullDownRefresh());
    },
    async loadMore() {
      const page = await announcements.listAnnouncements({ cursor: this.data.cursor });
      this.setData({ items: this.data.items.concat((page.items || []).map(view)), cursor: page.next_cursor || null });
    },
    onToggle(event) {
      const { id } = event.currentTarget.dataset;
      this.setData({ expanded: this.data.expanded === id ? '' : id });
    },
    onCreate() {
      wx.navigateTo({ url: '/pages/announcement-edit/index' });
    },
    onEdit(event) {
      wx.navigateTo({ url: `/pages/announcement-edit/index?id=${encodeURIComponent(event.currentTarget.dataset.id)}` });
    },
  },
});
