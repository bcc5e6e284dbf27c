const { renderPage, tap } = require('../helpers/render');
const { apiError } = require('../helpers/fake-api');
const { users } = require('../helpers/fixtures');

describe('pages/launch', () => {
  test('an active user lands on the 申请/审批 tab with the token stored', async () => {
    const { wx, callsTo } = await renderPage('pages/launch/index', {
      user: null,
      routes: { 'POST /auth/login': { state: 'active', token: 'T1', expires_at: '2999-01-01T00:00:00Z', user: users.nurse } },
    });
    expect(callsTo('POST /auth/login')[0].body).toEqual({ code: 'test:demo-nurse-icu' });
    expect(wx.switchTab).toHaveBeenCalledWith({ url: '/pages/apply/index' });
    expect(wx.storage.get('medpool.session').token).toBe('T1');
  });

  test('a new WeChat user goes to registration', async () => {
    const { wx } = await renderPage('pages/launch/index', {
      user: null,
      routes: { 'POST /auth/login': { state: 'registration_required', registration_required: true, registration_token: 'R1' } },
    });
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/register/index' });
    expect(wx.storage.get('medpool.registration').token).toBe('R1');
  });

  test('a pending user sees the pending screen', async () => {
    const { wx } = await renderPage('pages/launch/index', {
      user: null, routes: { 'POST /auth/login': { state: 'pending', message: '等待审核', user: users.pending } },
    });
    expect(wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/pending/index?state=pending' });
  });

  test('an error shows the API message and retry logs in again', async () => {
    let fail = true;
    const r = await renderPage('pages/launch/index', {
      user: null,
      routes: {
        'POST /auth/login': () => (fail ? apiError(502, 'wechat_failed', '微信服务暂不可用，请稍后重试')
          : { state: 'active', token: 'T2', user: users.manager }),
      },
    });
    expect(r.text()).toContain('微信服务暂不可用，请稍后重试');
    fail = false;
    await tap(r.comp, '#login');
    expect(r.wx.switchTab).toHaveBeenCalledWith({ url: '/pages/apply/index' });
  });

  test('after logging out it waits for the user to log in', async () => {
    const r = await renderPage('pages/launch/index', { user: null, query: { logout: '1' } });
    expect(r.text()).toContain('您已退出登录');
    expect(r.calls).toHaveLength(0);
  });
});
