// The custom tab bar: its tabs depend on the signed-in user's role (utils/tabs).
const session = require('../services/session');
const { tabsFor } = require('../utils/tabs');

Component({
  data: { tabs: tabsFor(null), selected: '' },
  lifetimes: {
    attached() {
      this.setData({ tabs: tabsFor(session.currentUser()) });
    },
  },
  methods: {
    refresh(selected) {
      this.setData({ tabs: tabsFor(session.currentUser()), selected });
    },
    onSwitch(event) {
      const { path } = event.currentTarget.dataset;
      if (path !== this.data.selected) wx.switchTab({ url: path });
    },
  },
});
