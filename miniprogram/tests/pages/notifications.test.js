// 公告 tab: the user's own notifications (kept in the app even when a WeChat push was refused).
const { renderPage } = require('../helpers/render');
const { users, page } = require('../helpers/fixtures');

const notice = { id: 'N1', event: 'loan_approved', title: '借用申请已批准', body: '监护仪 MON-001：已批准。',
  page: 'pages/loan-detail/index?id=L1', state: 'not_subscribed', created_at: '2026-11-27T02:20:00.000Z' };

test('notifications: the latest ones are listed and open their loan', async () => {
  const r = await renderPage('pages/announcements/index', {
    user: users.nurse, routes: { 'GET /announcements': page([]), 'GET /notifications': page([notice]) },
  });
  await r.page.loadNotices();
  expect(r.text()).toContain('我的消息');
  expect(r.text()).toContain('借用申请已批准');
  r.page.onNotice({ currentTarget: { dataset: { page: notice.page } } });
  expect(r.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/loan-detail/index?id=L1' });
});

test('notifications: a failing list never blocks the announcements', async () => {
  const r = await renderPage('pages/announcements/index', { user: users.nurse, routes: { 'GET /announcements': page([]) } });
  await r.page.loadNotices();
  expect(r.text()).not.toContain('我的消息');
  expect(r.text()).toContain('暂无公告');
});
