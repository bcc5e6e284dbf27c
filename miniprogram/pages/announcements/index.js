// 公告 tab: pinned first, newest first (API order); managers write and edit.
const announcements = require('../../services/announcements');
const notifications = require('../../services/notifications');
const session = require('../../services/session');
const { formatTime } = require('../../utils/time');
const paging = require('../../utils/paging');
const { selectTab } = require('../../utils/tabs');

const view = (a) => ({ ...a, publishedText: formatTime(a.published_at) });
const noticeView = (n) => ({ id: n.id, title: n.title || '', body: n.body || '', page: n.page || '',
  createdText: formatTime(n.created_at) });

Component({
  data: { loading: true, error: '', items: [], cursor: null, expanded: '', isManager: false, notices: [], paging: paging.IDLE },
  methods: {
    onShow() {
      selectTab(this, '/pages/announcements/index');
      this.setData({ isManager: session.isManager() });
      this.loadNotices();
      return paging.refresh(this, this.list());
    },
    // 我的消息: every notification is kept in the app (WeChat pushes can be refused); never blocks the tab.
    loadNotices() {
      return Promise.resolve()
        .then(() => notifications.listNotifications({ limit: 5 }))
        .then((page) => this.setData({ notices: ((page && page.items) || []).map(noticeView) }))
        .catch(() => this.setData({ notices: [] }));
    },
    onNotice(event) {
      const { page } = event.currentTarget.dataset;
      if (page) wx.navigateTo({ url: `/${page}` });
    },
    onPullDownRefresh() {
      return this.onShow().then(() => wx.stopPullDownRefresh());
    },
    list() {
      return { fetch: (cursor) => announcements.listAnnouncements(cursor ? { cursor } : undefined), map: view };
    },
    loadMore() {
      return paging.nextPage(this, this.list());
    },
    onReachBottom() {
      return this.loadMore();
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
