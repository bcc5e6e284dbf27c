// Entry page: silent wx.login -> POST /auth/login, then the right place for the user's state.
const session = require('../../services/session');
const env = require('../../services/env');

const HOME = '/pages/apply/index';

Component({
  data: { loading: true, error: '', loggedOut: false },
  methods: {
    onLoad(query = {}) {
      if (query.logout) {
        this.setData({ loading: false, loggedOut: true });
        return Promise.resolve();
      }
      return this.onLogin();
    },
    async onLogin() {
      // a trial / release upload whose settings were not filled in says so, and goes no further
      const problem = env.configProblem();
      if (problem) {
        this.setData({ loading: false, error: problem });
        return;
      }
      this.setData({ loading: true, error: '' });
      try {
        const out = await session.login();
        this.setData({ loading: false });
        if (out.state === 'active') wx.switchTab({ url: HOME });
        else if (out.state === 'registration_required') wx.redirectTo({ url: '/pages/register/index' });
        else wx.redirectTo({ url: `/pages/pending/index?state=${out.state}` });
      } catch (error) {
        this.setData({ loading: false, error: error.message || '登录失败' });
      }
    },
  },
});
