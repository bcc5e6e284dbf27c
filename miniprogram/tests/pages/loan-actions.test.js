// The loan loop from the pages: each action calls the right service and shows the result.
const { renderPage, tap } = require('../helpers/render');
const { apiError } = require('../helpers/fake-api');
const { users, device, loan, page } = require('../helpers/fixtures');
const codeOf = (id) => ({ result: '', path: `pages/device-detail/index?scene=${encodeURIComponent(id)}` });

function detail(status, user, extra = {}, routes = {}) {
  let current = loan({ status, device_id: status === 'pending' ? null : 'VENT-001', ...extra });
  return renderPage('pages/loan-detail/index', {
    user, query: { id: 'L-1' },
    routes: {
      'GET /loans/L-1': () => current,
      ...Object.fromEntries(Object.entries(routes).map(([key, next]) => [key, (c) => {
        if (next.status && next.body && next.body.error) return next;
        current = { ...current, ...next };
        return current;
      }])),
    },
    wx: { modalContent: '设备不足' },
  });
}

test('manager approves by picking an available device', async () => {
  const r = await detail('pending', users.manager, {}, { 'POST /loans/L-1/approve': { status: 'approved', device_id: 'VENT-001' } });
  r.routes['GET /devices'] = page([device]);
  await tap(r.comp, '#approve');
  expect(r.callsTo('GET /devices')[0].query).toEqual({ category_id: 'ventilator', status: 'available' });
  expect(r.text()).toContain('VENT-001 · 迈瑞 SV300');
  await tap(r.comp, '#confirm-approve');
  expect(r.callsTo('POST /loans/L-1/approve')[0].body).toEqual({ device_id: 'VENT-001' });
  expect(r.wx.showToast).toHaveBeenCalledWith({ title: '已批准', icon: 'success' });
  expect(r.text()).toContain('待交接');
});

test('manager rejects with a reason', async () => {
  const r = await detail('pending', users.manager, {}, { 'POST /loans/L-1/reject': { status: 'rejected' } });
  await tap(r.comp, '#reject');
  expect(r.callsTo('POST /loans/L-1/reject')[0].body).toEqual({ reason: '设备不足' });
  expect(r.text()).toContain('已驳回');
});

test('hand-over requires scanning the assigned device', async () => {
  const r = await detail('approved', users.nurse, {}, { 'POST /loans/L-1/handover': { status: 'in_use' } });
  r.wx.scanCode.mockImplementationOnce(({ success }) => success(codeOf('VENT-999')));
  await tap(r.comp, '#handover');
  expect(r.callsTo('POST /loans/L-1/handover')).toHaveLength(0);
  expect(r.wx.showToast.mock.calls[0][0].title).toContain('不一致');
  r.wx.scanCode.mockImplementationOnce(({ success }) => success(codeOf('VENT-001')));
  await tap(r.comp, '#handover');
  expect(r.callsTo('POST /loans/L-1/handover')).toHaveLength(1);
  expect(r.text()).toContain('使用中');
});

test('applicant requests return; manager confirms with the condition', async () => {
  const r = await detail('in_use', users.nurse, {}, { 'POST /loans/L-1/return-request': { status: 'return_requested' } });
  await tap(r.comp, '#request-return');
  expect(r.callsTo('POST /loans/L-1/return-request')).toHaveLength(1);
  expect(r.text()).toContain('待确认归还');

  const m = await detail('return_requested', users.manager, {}, { 'POST /loans/L-1/confirm-return': { status: 'returned', condition: 'damaged' } });
  await tap(m.comp, '#start-return');
  m.page.onCondition({ detail: 'damaged' });
  m.page.onNote({ detail: '屏幕裂' });
  await tap(m.comp, '#confirm-return');
  expect(m.callsTo('POST /loans/L-1/confirm-return')[0].body).toEqual({ condition: 'damaged', note: '屏幕裂' });
  expect(m.text()).toContain('已归还');
  expect(m.text()).toContain('损坏');
});

test('applicant cancels; a conflict shows the API message', async () => {
  const r = await detail('pending', users.nurse, {}, { 'POST /loans/L-1/cancel': apiError(409, 'loan_not_pending', '申请已被处理，无法取消') });
  await tap(r.comp, '#cancel');
  expect(r.callsTo('POST /loans/L-1/cancel')).toHaveLength(1);
  expect(r.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '申请已被处理，无法取消' }));
});

test('the timeline and overdue badge are shown', async () => {
  const r = await detail('in_use', users.nurse, {
    overdue: true,
    timeline: [{ at: '2024-03-01T02:05:00Z', actor: 'demo-nurse-icu', action: 'created' }, { at: '2024-03-01T03:00:00Z', actor: 'demo-manager', action: 'approved' }],
  });
  expect(r.text()).toContain('已逾期');
  expect(r.text()).toContain('提交申请');
  expect(r.text()).toContain('2024-03-01 11:00');
});

test('apply form: subscribe prompt, createLoan with an Idempotency-Key kept across a retry, then the loan page', async () => {
  let attempts = 0;
  const r = await renderPage('pages/apply-form/index', {
    user: users.nurse, query: { category_id: 'ventilator' },
    routes: {
      'GET /categories': page([require('../helpers/fixtures').category]),
      'POST /loans': () => {
        attempts += 1;
        return attempts === 1 ? apiError(503, 'unavailable', '服务繁忙') : { status: 201, body: loan({ id: 'L-7' }) };
      },
    },
  });
  r.page.onReason({ detail: '  急诊抢救  ' });
  r.page.onUrgency({ detail: 'emergency' });
  await tap(r.comp, '#submit');
  expect(r.wx.requestSubscribeMessage).toHaveBeenCalled();
  expect(r.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '服务繁忙' }));
  await tap(r.comp, '#submit');
  const posts = r.callsTo('POST /loans');
  expect(posts).toHaveLength(2);
  expect(posts[0].header['Idempotency-Key']).toBe(posts[1].header['Idempotency-Key']);
  expect(posts[1].body).toMatchObject({ category_id: 'ventilator', urgency: 'emergency', reason: '急诊抢救' });
  expect(Date.parse(posts[1].body.expected_return_at)).toBeGreaterThan(Date.now());
  expect(r.wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/loan-detail/index?id=L-7' });
});

test('apply form refuses an empty reason without calling the API', async () => {
  const r = await renderPage('pages/apply-form/index', {
    user: users.nurse, query: { device_id: 'VENT-001' }, routes: { 'GET /devices/VENT-001': device },
  });
  await tap(r.comp, '#submit');
  expect(r.callsTo('POST /loans')).toHaveLength(0);
  expect(r.wx.showToast).toHaveBeenCalledWith({ title: '请填写用途', icon: 'none' });
});

test('availability board: apply and scan open the right pages', async () => {
  const r = await renderPage('pages/apply/index', { user: users.nurse, routes: { 'GET /categories': page([require('../helpers/fixtures').category]) } });
  await tap(r.comp.querySelector('#body'), '.apply-btn');
  expect(r.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/apply-form/index?category_id=ventilator' });
  r.wx.scanCode.mockImplementationOnce(({ success }) => success({ result: '', path: 'pages/device-detail/index?scene=VENT-001' }));
  await tap(r.comp.querySelector('#body'), '#scan');
  expect(r.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/device-detail/index?id=VENT-001' });
});

test('approval queue switches to returns to confirm', async () => {
  const r = await renderPage('pages/apply/index', {
    user: users.manager,
    routes: { 'GET /loans': (c) => page(c.query.status === 'return_requested' ? [loan({ id: 'L-2', status: 'return_requested', reason: '归还中的单' })] : []) },
  });
  expect(r.text()).toContain('没有待审批的申请');
  await r.page.selectComponent('#body').onQueue({ detail: { value: 'return_requested' } });
  expect(r.text()).toContain('归还中的单');
  expect(r.wx.setNavigationBarTitle).toHaveBeenCalledWith({ title: '审批' });
});
