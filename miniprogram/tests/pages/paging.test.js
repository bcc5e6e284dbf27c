// Paged lists (issue 14 item 8, utils/paging): one page at a time (a double tap appends once), the error
// shown with a retry, 没有更多了 at the end, load on scroll, no blank list on return from a detail page.
const { renderPage, settle } = require('../helpers/render');
const { apiError } = require('../helpers/fake-api');
const { users, page } = require('../helpers/fixtures');

const record = (n) => ({ at: '2024-03-01T02:05:00Z', actor: 'demo-manager', action: 'loan.approve', subject: `loan#L-${n}` });
const person = (n) => ({ ...users.pending, openid: `new-${n}`, name: `用户${n}` });

function pagedRecords({ failSecond = false } = {}) {
  let seconds = 0;
  return (call) => {
    if (!call.query.cursor) return page([record(1), record(2)], 'C2');
    seconds += 1;
    if (failSecond && seconds === 1) return apiError(503, 'unavailable', '服务暂不可用，请稍后再试');
    return page([record(3)]);
  };
}

test('a double tap on 加载更多 reads and appends the next page once; then 没有更多了', async () => {
  const r = await renderPage('pages/records/index', { user: users.manager, routes: { 'GET /records': pagedRecords() } });
  expect(r.text()).toContain('加载更多');
  const first = r.page.loadMore();
  const second = r.page.loadMore();
  await Promise.all([first, second]);
  await settle();
  expect(r.callsTo('GET /records').filter((c) => c.query.cursor)).toHaveLength(1);
  expect(r.page.data.items.map((i) => i.subject)).toEqual(['loan#L-1', 'loan#L-2', 'loan#L-3']);
  expect(r.text()).toContain('没有更多了');
  expect(r.text()).not.toContain('加载更多');
});

test('scrolling to the bottom loads the next page (onReachBottom)', async () => {
  const r = await renderPage('pages/records/index', { user: users.manager, routes: { 'GET /records': pagedRecords() } });
  await r.page.onReachBottom();
  await settle();
  expect(r.page.data.items).toHaveLength(3);
  await r.page.onReachBottom(); // at the end: nothing more is asked
  expect(r.callsTo('GET /records').filter((c) => c.query.cursor)).toHaveLength(1);
});

test('a failed next page is shown with a retry, and the list stays', async () => {
  const r = await renderPage('pages/records/index', { user: users.manager, routes: { 'GET /records': pagedRecords({ failSecond: true }) } });
  await r.page.onReachBottom();
  await settle();
  expect(r.page.data.items).toHaveLength(2);
  expect(r.text()).toContain('服务暂不可用，请稍后再试，点此重试');
  r.comp.querySelector('#list-footer').querySelector('.footer--error').dispatchEvent('tap');
  await settle(8);
  expect(r.page.data.items).toHaveLength(3);
  expect(r.text()).toContain('没有更多了');
});

test('back from a detail page, the list stays on screen while it is read again', async () => {
  let answer = page([person(1), person(2)]);
  const r = await renderPage('pages/users/index', { user: users.manager, routes: { 'GET /users': () => answer } });
  expect(r.text()).toContain('用户1');
  let release;
  answer = new Promise((resolve) => { release = resolve; }).then(() => page([person(1), person(2), person(3)]));
  const shown = r.page.onShow();
  await settle();
  expect(r.page.data.loading).toBe(false);
  expect(r.text()).toContain('用户1'); // not blank while reading
  release();
  await shown;
  await settle();
  expect(r.text()).toContain('用户3');
});

test('announcements page on scroll with the shared footer', async () => {
  const a = (n) => ({ id: `A${n}`, title: `公告${n}`, body: '内容', pinned: false, published_at: '2024-03-01T00:00:00Z' });
  const r = await renderPage('pages/announcements/index', {
    routes: { 'GET /announcements': (call) => (call.query.cursor ? page([a(3)]) : page([a(1), a(2)], 'C2')), 'GET /notifications': page([]) },
  });
  await r.page.onReachBottom();
  await settle();
  expect(r.text()).toContain('公告3');
  expect(r.text()).toContain('没有更多了');
});

test("审批 tab: scrolling pages the queue; back from a loan's page the queue stays on screen", async () => {
  const { loan } = require('../helpers/fixtures');
  let answerFirst = () => page([loan({ id: 'L-1', urgency: 'emergency' }), loan({ id: 'L-2' })], 'C2');
  const r = await renderPage('pages/apply/index', {
    user: users.manager,
    routes: { 'GET /loans': (call) => (call.query.cursor ? page([loan({ id: 'L-3', reason: '第二页的申请' })]) : answerFirst()) },
  });
  const queue = () => r.page.selectComponent('#body');
  expect(queue().data.loans).toHaveLength(2);
  expect(r.text()).toContain('抢救申请 1 件');
  await r.page.onReachBottom();
  await settle();
  expect(queue().data.loans.map((l) => l.id)).toEqual(['L-1', 'L-2', 'L-3']);
  expect(r.text()).toContain('没有更多了');

  let release;
  const gate = new Promise((resolve) => { release = resolve; }); // the queue and its count are read again together
  answerFirst = () => gate.then(() => page([loan({ id: 'L-1', urgency: 'emergency' })]));
  const shown = r.page.onShow();
  await settle();
  expect(queue().data.loading).toBe(false);
  expect(r.text()).toContain('第二页的申请'); // still on screen while the queue is read again
  release();
  await shown;
  await settle();
  expect(queue().data.loans.map((l) => l.id)).toEqual(['L-1']);
});

test('查询 tab (loan list): a double scroll event reads the next page once', async () => {
  const { loan } = require('../helpers/fixtures');
  const r = await renderPage('pages/query/index', {
    routes: { 'GET /loans': (call) => (call.query.cursor ? page([loan({ id: 'L-3' })]) : page([loan({ id: 'L-1' }), loan({ id: 'L-2' })], 'C2')) },
  });
  await Promise.all([r.page.onReachBottom(), r.page.onReachBottom()]);
  await settle();
  expect(r.callsTo('GET /loans').filter((c) => c.query.cursor)).toHaveLength(1);
  expect(r.page.selectComponent('#body').data.loans.map((l) => l.id)).toEqual(['L-1', 'L-2', 'L-3']);
});

test('借用单 (managers): scrolling to the bottom loads the next page of loans', async () => {
  const { loan } = require('../helpers/fixtures');
  const r = await renderPage('pages/loans/index', {
    user: users.manager,
    routes: { 'GET /loans': (c) => (c.query.cursor ? page([loan({ id: 'L-0', reason: '更早的单' })])
      : page([loan({ id: 'L-1', reason: '新的单' })], 'C-1')) },
  });
  expect(r.text()).not.toContain('更早的单');
  await r.page.onReachBottom();
  await settle();
  expect(r.callsTo('GET /loans').filter((c) => c.query.cursor)).toHaveLength(1);
  expect(r.text()).toContain('更早的单');
});
