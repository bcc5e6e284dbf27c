// The waiting list and the emergency reserve, ward side (issue 12 part 3, issue 14 items 1-2): request at 0 free,
// 排队中 第 N 位, the reserve on the board, an emergency in two taps, subscriptions offered after sending.
const { renderPage, tap, settle } = require('../helpers/render');
const { users, category, loan, page } = require('../helpers/fixtures');

// GET /categories items as the API answers them (WAITLIST.md): reserve, what routine requests may take, the queue
const exhausted = { ...category, availability: { available: 0, reserved: 1, on_loan: 4, cleaning: 1, maintenance: 0 }, emergency_reserve: 0, auto_reserve_emergency: false, available_to_routine: 0, queue_length: 2 };
const reserved = { ...category, id: 'monitor', name: '多参数监护仪', availability: { available: 1, reserved: 0, on_loan: 3, cleaning: 0, maintenance: 0 }, emergency_reserve: 1, auto_reserve_emergency: true, available_to_routine: 0, queue_length: 0 };
const plenty = { ...category, id: 'pump', name: '输液泵', availability: { available: 5, reserved: 0, on_loan: 3, cleaning: 0, maintenance: 0 }, emergency_reserve: 1, auto_reserve_emergency: false, available_to_routine: 4, queue_length: 0 };
const queued = (position, length, overrides = {}) => loan({
  id: 'L-9', status: 'pending', urgency: 'routine', queued_at: '2024-03-01T02:05:00Z',
  queue: { position, length, free: 0, waiting: true }, ...overrides,
});

/** Counts the user's taps: every tap() through this helper is one. */
function tapCounter() {
  let taps = 0;
  return { tap: async (comp, selector) => { taps += 1; await tap(comp, selector); }, count: () => taps };
}

test('board: 排队申请 at 0 free (never a disabled button), the emergency reserve and the queue are shown', async () => {
  const r = await renderPage('pages/apply/index', { user: users.nurse, routes: { 'GET /categories': page([exhausted, reserved, plenty]) } });
  const body = r.comp.querySelector('#body');
  const text = r.text();
  expect(text).toContain('2 人排队');
  expect(text).toContain('1 台抢救预留，常规可借 0 台');
  expect(text).toContain('1 台抢救预留，常规可借 4 台');
  expect(text).not.toContain('暂无可用');
  expect(body.querySelector('#apply-ventilator').dom.textContent).toContain('排队申请');
  expect(body.querySelector('#apply-monitor').dom.textContent).toContain('排队申请'); // the one free device is held for emergencies
  expect(body.querySelector('#apply-pump').dom.textContent).toContain('申请借用');
  expect(body.querySelector('#apply-ventilator .van-button--disabled')).toBeFalsy();
  await tap(body, '#apply-ventilator');
  expect(r.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/apply-form/index?category_id=ventilator' });
});

test('an emergency in two taps from the board: 抢救 opens a complete form, its one tap sends it', async () => {
  const taps = tapCounter();
  const board = await renderPage('pages/apply/index', { user: users.nurse, routes: { 'GET /categories': page([exhausted]) } });
  await taps.tap(board.comp.querySelector('#body'), '#emergency-ventilator');
  const [{ url }] = board.wx.navigateTo.mock.calls[0];
  expect(url).toBe('/pages/apply-form/index?category_id=ventilator&urgency=emergency');
  const query = Object.fromEntries(new URL(url, 'https://x').searchParams.entries());

  const form = await renderPage('pages/apply-form/index', {
    user: users.nurse, query,
    routes: {
      'GET /categories': page([exhausted]),
      'POST /loans': { status: 201, body: queued(1, 3, { urgency: 'emergency', reason: '抢救' }) },
    },
  });
  expect(form.text()).toContain('暂无可用设备，提交后排队，前面已有 2 人排队');
  expect(form.text()).toContain('提交抢救申请');
  await taps.tap(form.comp, '#submit');
  const [post] = form.callsTo('POST /loans');
  expect(post.body).toMatchObject({ category_id: 'ventilator', urgency: 'emergency', reason: '抢救' });
  expect(Date.parse(post.body.expected_return_at)).toBeGreaterThan(Date.now());
  expect(form.wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/loan-detail/index?id=L-9' });
  expect(taps.count()).toBe(2);
  // the subscription comes after the request left, and says where it stands
  expect(form.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '已排队，第 1 位' }));
  expect(form.wx.request.mock.invocationCallOrder.slice(-1)[0]).toBeLessThan(form.wx.requestSubscribeMessage.mock.invocationCallOrder[0]);
});

test('apply form: urgency chips on one line, reason chips with optional free text', async () => {
  const r = await renderPage('pages/apply-form/index', {
    user: users.nurse, query: { category_id: 'pump' },
    routes: { 'GET /categories': page([plenty]), 'POST /loans': { status: 201, body: loan({ id: 'L-3' }) } },
  });
  const chips = r.comp.querySelectorAll('.chips--urgency .chip');
  expect(chips.map((c) => c.dom.textContent)).toEqual(['常规', '紧急', '抢救']);
  const wxss = require('fs').readFileSync(require('path').join(__dirname, '../../pages/apply-form/index.wxss'), 'utf8');
  expect(wxss).toMatch(/\.chips--urgency \{ flex-wrap: nowrap; \}/);
  await tap(r.comp, '#urgency-urgent');
  const chip = r.comp.querySelectorAll('.chip').find((c) => c.dom.textContent === '术后监护');
  chip.dispatchEvent('tap');
  await settle();
  await tap(r.comp, '#submit');
  expect(r.callsTo('POST /loans')[0].body).toMatchObject({ urgency: 'urgent', reason: '术后监护' });
  r.page.onReason({ detail: '5床' });
  r.page.setData({ idempotencyKey: 'second-key-1' });
  await tap(r.comp, '#submit');
  expect(r.callsTo('POST /loans')[1].body.reason).toBe('术后监护：5床');
  expect(r.text()).not.toContain('排队'); // a free device for a routine request: no queue hint
});

test('subscriptions: only the templates not already granted "always" are asked for; none asked when all are', async () => {
  const routes = { 'GET /categories': page([plenty]), 'POST /loans': { status: 201, body: loan({ id: 'L-3' }) } };
  const some = await renderPage('pages/apply-form/index', {
    user: users.nurse, query: { category_id: 'pump' }, routes, wx: { subscriptions: { LOCAL_TEMPLATE_LOAN_RESULT: 'accept' } },
  });
  some.page.onReasonChip({ currentTarget: { dataset: { reason: '病情加重' } } });
  await tap(some.comp, '#submit');
  expect(some.wx.getSetting).toHaveBeenCalledWith(expect.objectContaining({ withSubscriptions: true }));
  expect(some.wx.requestSubscribeMessage).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['LOCAL_TEMPLATE_LOAN_OVERDUE'] }));

  const all = await renderPage('pages/apply-form/index', {
    user: users.nurse, query: { category_id: 'pump' }, routes,
    wx: { subscriptions: { LOCAL_TEMPLATE_LOAN_RESULT: 'accept', LOCAL_TEMPLATE_LOAN_OVERDUE: 'accept' } },
  });
  all.page.onReasonChip({ currentTarget: { dataset: { reason: '病情加重' } } });
  await tap(all.comp, '#submit');
  expect(all.wx.showModal).not.toHaveBeenCalled();
  expect(all.wx.requestSubscribeMessage).not.toHaveBeenCalled();
  expect(all.wx.showToast).toHaveBeenCalledWith({ title: '申请已提交', icon: 'success' });
  expect(all.wx.redirectTo).toHaveBeenCalled();
});

test('loan page: 排队中 第 N 位, read again every 30 s while shown (the position moves), stopped on hide', async () => {
  const spy = jest.spyOn(global, 'setInterval');
  const clear = jest.spyOn(global, 'clearInterval');
  let position = 3;
  const r = await renderPage('pages/loan-detail/index', {
    user: users.nurse, query: { id: 'L-9' }, routes: { 'GET /loans/L-9': () => queued(position, 4) },
  });
  expect(r.text()).toContain('排队中 第 3 位（共 4 人）');
  const poll = spy.mock.calls.find(([, ms]) => ms === 30000);
  expect(poll).toBeTruthy();
  position = 1;
  poll[0]();
  await settle();
  expect(r.text()).toContain('排队中 第 1 位（共 4 人）');
  r.page.onHide();
  expect(clear).toHaveBeenCalled();
  spy.mockRestore();
  clear.mockRestore();
});

test('loan page: a request a free device can serve says so; an approved one shows no queue', async () => {
  const r = await renderPage('pages/loan-detail/index', {
    user: users.nurse, query: { id: 'L-9' },
    routes: { 'GET /loans/L-9': queued(1, 1, { queue: { position: 1, length: 1, free: 1, waiting: false } }) },
  });
  expect(r.text()).toContain('第 1 位，有可分配设备');
  const approved = await renderPage('pages/loan-detail/index', {
    user: users.nurse, query: { id: 'L-9' },
    routes: { 'GET /loans/L-9': loan({ id: 'L-9', status: 'approved', device_id: 'VENT-001', queued_at: '2024-03-01T02:05:00Z', auto_reserved: true, approved_by: 'system' }) },
  });
  expect(approved.text()).not.toContain('排队中');
  expect(approved.text()).toContain('系统已为抢救申请自动预留设备');
});
