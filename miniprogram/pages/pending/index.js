// Waiting for the equipment department to approve the registration (or rejected / disabled).
const session = require('../../services/session');

const TITLES = { pending: '等待审核', rejected: '注册未通过', disabled: '账号已停用' };

function view(state, message) {
  return { state, title: TITLES[state] || '账号状态', message: message || session.STATE_MESSAGES[state] || '' };
}

Component({
  data: { ...view('pending'), busy: false, error: '' },
  methods: {
    onLoad(query = {}) {
      this.setData(view(query.state || 'pending'));
    },
    async onRefresh() {
      this.setData({ busy: true, error: '' });
      try {
        const out = await session.login();
        if (out.state === 'active') wx.switchTab({ url: '/pages/apply/index' });
        else if (out.state === 'registration_required') wx.redirectTo({ url: '/pages/register/index' });
        else this.setData(view(out.state, out.message));
      } catch (error) {
        this.setData({ error: error.message });
      } finally {
        this.setData({ busy: false });
      }
    },
  },
});
