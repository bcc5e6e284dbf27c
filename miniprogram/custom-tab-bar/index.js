// The custom tab bar (Vant's tabbar): its tabs depend on the signed-in user's role (utils/tabs); badges come
// from utils/badges (the 审批 tab: pending requests), read each time a tab page is shown.
const session = require('../services/session');
const { tabsFor } = require('../utils/tabs');
const { badgeText } = require('../utils/badges');

const withBadges = (tabs) => tabs.map((t) => ({ ...t, badge: badgeText(t.pagePath) }));

Component({
  data: { tabs: withBadges(tabsFor(null)), selected: '' },
  lifetimes: {
    attached() {
      this.setData({ tabs: withBadges(tabsFor(session.currentUser())) });
    },
  },
  methods: {
    refresh(selected) {
      this.setData({ tabs: withBadges(tabsFor(session.currentUser())), selected: selected === undefined ? this.data.selected : selected });
    },
    /** van-tabbar change (detail: the tab's name = its page path), or a tap carrying data-path. */
    onSwitch(event) {
      const path = typeof event.detail === 'string' ? event.detail : event.currentTarget.dataset.path;
      if (path && path !== this.data.selected) wx.switchTab({ url: path });
    },
  },
});
