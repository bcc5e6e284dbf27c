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
      ...Object.fromEntries(Object.entries(routes).map(([key, route]) => [key, (c) => {
        const next = typeof route === 'function' ? route(c) : route;
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

test('hand-over scans the label and sends its scene (asset tag + label secret); the API refusals show their message', async () => {
  const WRONG_DEVICE = '扫描的设备与本次借用分配的设备不一致';
  const INVALID_SCAN = '设备码已失效（标签已重新打印）或无法识别，请扫描设备上最新的标签';
  const r = await detail('approved', users.nurse, {}, {
    'POST /loans/L-1/handover': (c) => {
      if (c.body.scan.split('.')[0] !== 'VENT-001') return apiError(422, 'wrong_device', WRONG_DEVICE);
      return c.body.scan === 'VENT-001.Secret0001' ? { status: 'in_use' } : apiError(422, 'invalid_scan', INVALID_SCAN);
    },
  });
  expect(r.comp.querySelector('#handover-manual')).toBeFalsy(); // typing the asset tag is for managers

  await tap(r.comp, '#handover'); // scan cancelled: nothing is sent
  expect(r.wx.scanCode).toHaveBeenCalledTimes(1);
  expect(r.callsTo('POST /loans/L-1/handover')).toHaveLength(0);

  r.wx.scanCode.mockImplementationOnce(({ success }) => success({ result: 'https://example.com' })); // not a device code
  await tap(r.comp, '#handover');
  expect(r.callsTo('POST /loans/L-1/handover')).toHaveLength(0);
  expect(r.wx.showToast).toHaveBeenLastCalledWith({ title: '不是本平台的设备码', icon: 'none' });

  r.wx.scanCode.mockImplementationOnce(({ success }) => success(codeOf('VENT-999.Secret0009')));
  await tap(r.comp, '#handover');
  expect(r.wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ content: WRONG_DEVICE })); // long: a dialog

  r.wx.scanCode.mockImplementationOnce(({ success }) => success({ result: 'medpool:device:VENT-001' })); // a label of an earlier version
  await tap(r.comp, '#handover');
  expect(r.wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ content: INVALID_SCAN }));
  expect(r.text()).toContain('待交接');

  r.wx.scanCode.mockImplementationOnce(({ success }) => success(codeOf('VENT-001.Secret0001')));
  await tap(r.comp, '#handover');
  expect(r.callsTo('POST /loans/L-1/handover').map((c) => c.body)).toEqual([
    { scan: 'VENT-999.Secret0009' }, { scan: 'VENT-001' }, { scan: 'VENT-001.Secret0001' },
  ]);
  expect(r.wx.showToast).toHaveBeenLastCalledWith({ title: '交接完成', icon: 'success' });
  expect(r.text()).toContain('使用中');
});

test('a manager may type the asset tag when the label cannot be scanned', async () => {
  const r = await detail('approved', users.manager, {}, { 'POST /loans/L-1/handover': { status: 'in_use' } });
  r.wx.showModal.mockImplementationOnce(({ success }) => success({ confirm: true, content: ' VENT-001 ' }));
  await tap(r.comp, '#handover-manual');
  expect(r.wx.scanCode).not.toHaveBeenCalled();
  expect(r.callsTo('POST /loans/L-1/handover').map((c) => c.body)).toEqual([{ device_id: 'VENT-001' }]);
  expect(r.wx.showToast).toHaveBeenLastCalledWith({ title: '交接完成（手工录入）', icon: 'success' });
});

test('opened from a scanned label (options scene), hand-over sends that scene without scanning again', async () => {
  const r = await renderPage('pages/loan-detail/index', {
    user: users.nurse, query: { id: 'L-1', scene: encodeURIComponent('VENT-001.Secret0001') },
    routes: { 'GET /loans/L-1': () => loan({ status: 'approved', device_id: 'VENT-001' }), 'POST /loans/L-1/handover': { status: 'in_use' } },
  });
  expect(r.text()).toContain('确认交接（已扫码）');
  await tap(r.comp, '#handover');
  expect(r.wx.scanCode).not.toHaveBeenCalled();
  expect(r.callsTo('POST /loans/L-1/handover').map((c) => c.body)).toEqual([{ scan: 'VENT-001.Secret0001' }]);
});

test('manager extends an overdue loan: new return time picked in Shanghai, sent as UTC with the reason, the updated loan shown', async () => {
  const r = await detail('in_use', users.manager, { overdue: true }, {
    'POST /loans/L-1/extend': (c) => ({ expected_return_at: c.body.expected_return_at.replace('.000Z', 'Z'), overdue: false }),
  });
  expect(r.text()).toContain('已逾期');
  await tap(r.comp, '#extend');
  expect(r.comp.querySelector('#confirm-extend')).toBeTruthy();
  expect(r.comp.querySelector('#extend')).toBeFalsy();
  r.page.onExtendDay({ detail: { value: '2099-11-28' } });
  r.page.onExtendClock({ detail: { value: '16:00' } });
  r.page.onExtendReason({ detail: '  患者仍需持续通气  ' });
  await tap(r.comp, '#confirm-extend');
  expect(r.callsTo('POST /loans/L-1/extend').map((c) => c.body)).toEqual([
    { expected_return_at: '2099-11-28T08:00:00.000Z', reason: '患者仍需持续通气' },
  ]);
  expect(r.wx.showToast).toHaveBeenCalledWith({ title: '已续借', icon: 'success' });
  expect(r.text()).toContain('2099-11-28 16:00');
  expect(r.text()).not.toContain('已逾期');
  expect(r.text()).toContain('使用中');
  expect(r.comp.querySelector('#confirm-extend')).toBeFalsy();
});

test('extend: the default is 24 hours after the current due time (Shanghai); the API refusal shows its message', async () => {
  const NOT_EXTENDABLE = '借用当前状态为「已归还」，不能续借';
  const r = await detail('approved', users.manager, { expected_return_at: '2099-03-02T04:00:00Z' }, {
    'POST /loans/L-1/extend': apiError(409, 'loan_not_extendable', NOT_EXTENDABLE),
  });
  await tap(r.comp, '#extend');
  expect(r.page.data).toMatchObject({ extendDay: '2099-03-03', extendClock: '12:00' });
  expect(r.text()).toContain('2099-03-03');

  await tap(r.comp, '#confirm-extend'); // no reason: nothing is sent
  expect(r.callsTo('POST /loans/L-1/extend')).toHaveLength(0);
  expect(r.wx.showToast).toHaveBeenLastCalledWith({ title: '请填写续借原因', icon: 'none' });

  r.page.onExtendReason({ detail: '手术延期' });
  r.page.onExtendDay({ detail: { value: '2020-01-01' } }); // in the past: refused before the API
  await tap(r.comp, '#confirm-extend');
  expect(r.callsTo('POST /loans/L-1/extend')).toHaveLength(0);
  expect(r.wx.showToast).toHaveBeenLastCalledWith({ title: '新的归还时间须晚于现在', icon: 'none' });

  r.page.onExtendDay({ detail: { value: '2099-03-04' } });
  await tap(r.comp, '#confirm-extend');
  expect(r.callsTo('POST /loans/L-1/extend').map((c) => c.body)).toEqual([{ expected_return_at: '2099-03-04T04:00:00.000Z', reason: '手术延期' }]);
  expect(r.wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ content: NOT_EXTENDABLE }));
  expect(r.text()).toContain('2099-03-02 12:00'); // unchanged
  expect(r.comp.querySelector('#confirm-extend')).toBeTruthy(); // still open to correct and retry

  await tap(r.comp, '#cancel-extend');
  expect(r.comp.querySelector('#confirm-extend')).toBeFalsy();
  expect(r.comp.querySelector('#extend')).toBeTruthy();
});

test('extend past the category limit: the API asks for an over-limit reason, the field appears, the retry sends it', async () => {
  const TOO_LONG = '续借后借用时长约 400 小时，超过该类设备上限（336 小时）；如确需超期，请填写超出上限的理由';
  const r = await detail('in_use', users.manager, {}, {
    'POST /loans/L-1/extend': (c) => (c.body.over_limit_reason ? { expected_return_at: c.body.expected_return_at, overdue: false }
      : apiError(422, 'extension_too_long', TOO_LONG)),
  });
  await tap(r.comp, '#extend');
  expect(r.comp.querySelector('#over-limit-reason')).toBeFalsy();
  r.page.onExtendDay({ detail: { value: '2099-11-28' } });
  r.page.onExtendClock({ detail: { value: '16:00' } });
  r.page.onExtendReason({ detail: '患者仍需持续通气' });
  await tap(r.comp, '#confirm-extend');
  expect(r.wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ content: TOO_LONG }));
  expect(r.comp.querySelector('#over-limit-reason')).toBeTruthy();

  await tap(r.comp, '#confirm-extend'); // the over-limit reason is still empty: nothing is sent
  expect(r.callsTo('POST /loans/L-1/extend')).toHaveLength(1);
  expect(r.wx.showToast).toHaveBeenLastCalledWith({ title: '请填写超出上限的理由', icon: 'none' });

  r.page.onOverLimitReason({ detail: ' 无替代设备，科主任同意 ' });
  await tap(r.comp, '#confirm-extend');
  expect(r.callsTo('POST /loans/L-1/extend').map((c) => c.body)).toEqual([
    { expected_return_at: '2099-11-28T08:00:00.000Z', reason: '患者仍需持续通气' },
    { expected_return_at: '2099-11-28T08:00:00.000Z', reason: '患者仍需持续通气', over_limit_reason: '无替代设备，科主任同意' },
  ]);
  expect(r.wx.showToast).toHaveBeenLastCalledWith({ title: '已续借', icon: 'success' });
  expect(r.comp.querySelector('#confirm-extend')).toBeFalsy();
});

test('续借 is offered to managers on approved / in_use loans only', async () => {
  const cases = [
    ['approved', users.manager, true], ['in_use', users.manager, true],
    ['approved', users.nurse, false], ['in_use', users.nurse, false],
    ['pending', users.manager, false], ['return_requested', users.manager, false], ['returned', users.manager, false],
    ['rejected', users.manager, false], ['cancelled', users.manager, false],
  ];
  const seen = [];
  for (const [status, user] of cases) {
    // eslint-disable-next-line no-await-in-loop
    const r = await detail(status, user);
    seen.push([status, user, Boolean(r.comp.querySelector('#extend'))]);
  }
  expect(seen).toEqual(cases);
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
  await tap(m.comp, '#confirm-return'); // scan cancelled: nothing is sent
  expect(m.callsTo('POST /loans/L-1/confirm-return')).toHaveLength(0);
  m.wx.scanCode.mockImplementationOnce(({ success }) => success(codeOf('VENT-001.Secret0001')));
  await tap(m.comp, '#confirm-return');
  expect(m.callsTo('POST /loans/L-1/confirm-return')[0].body).toEqual({ condition: 'damaged', note: '屏幕裂', scan: 'VENT-001.Secret0001' });
  expect(m.text()).toContain('已归还');
  expect(m.text()).toContain('损坏');
});

test('manager confirms a return with the asset tag typed in', async () => {
  const m = await detail('return_requested', users.manager, {}, { 'POST /loans/L-1/confirm-return': { status: 'returned', condition: 'ok' } });
  await tap(m.comp, '#start-return');
  m.wx.showModal.mockImplementationOnce(({ success }) => success({ confirm: true, content: 'VENT-001' }));
  await tap(m.comp, '#confirm-return-manual');
  expect(m.wx.scanCode).not.toHaveBeenCalled();
  expect(m.callsTo('POST /loans/L-1/confirm-return').map((c) => c.body)).toEqual([{ condition: 'ok', device_id: 'VENT-001' }]);
  expect(m.text()).toContain('已归还');
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
    timeline: [{ at: '2024-03-01T02:05:00Z', actor: 'demo-nurse-icu', action: 'loan.create' }, { at: '2024-03-01T03:00:00Z', actor: 'demo-manager', action: 'loan.approve' }],
  });
  expect(r.text()).toContain('已逾期');
  expect(r.text()).toContain('提交申请');
  expect(r.text()).toContain('2024-03-01 11:00');
});

test('apply form: createLoan (urgency chip) with an Idempotency-Key kept across a retry, then the loan page', async () => {
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
  await tap(r.comp, '#urgency-emergency');
  await tap(r.comp, '#submit');
  // sent first: a failed send asks for no subscription
  expect(r.wx.requestSubscribeMessage).not.toHaveBeenCalled();
  expect(r.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '服务繁忙' }));
  await tap(r.comp, '#submit');
  expect(r.wx.requestSubscribeMessage).toHaveBeenCalled();
  expect(r.wx.request.mock.invocationCallOrder.slice(-1)[0]).toBeLessThan(r.wx.requestSubscribeMessage.mock.invocationCallOrder[0]);
  const posts = r.callsTo('POST /loans');
  expect(posts).toHaveLength(2);
  expect(posts[0].header['Idempotency-Key']).toBe(posts[1].header['Idempotency-Key']);
  expect(posts[1].body).toMatchObject({ category_id: 'ventilator', urgency: 'emergency', reason: '急诊抢救' });
  expect(Date.parse(posts[1].body.expected_return_at)).toBeGreaterThan(Date.now());
  expect(r.wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/loan-detail/index?id=L-7' });
});

test('apply form for one device sends its category with it (read with the device in one call)', async () => {
  const r = await renderPage('pages/apply-form/index', {
    user: users.nurse, query: { device_id: 'VENT-001' },
    routes: { 'GET /devices/VENT-001': device, 'POST /loans': { status: 201, body: loan({ id: 'L-8' }) } },
  });
  r.page.onReason({ detail: '指定这台' });
  await tap(r.comp, '#submit');
  expect(r.callsTo('POST /loans')[0].body).toMatchObject({ device_id: 'VENT-001', category_id: device.category_id });
});

test('apply form refuses an empty reason without calling the API', async () => {
  const r = await renderPage('pages/apply-form/index', {
    user: users.nurse, query: { device_id: 'VENT-001' }, routes: { 'GET /devices/VENT-001': device },
  });
  await tap(r.comp, '#submit');
  expect(r.callsTo('POST /loans')).toHaveLength(0);
  expect(r.wx.showToast).toHaveBeenCalledWith({ title: '请选择或填写用途', icon: 'none' });
});

test('availability board: apply and scan open the right pages', async () => {
  const r = await renderPage('pages/apply/index', { user: users.nurse, routes: { 'GET /categories': page([require('../helpers/fixtures').category]) } });
  await tap(r.comp.querySelector('#body'), '.apply-btn');
  expect(r.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/apply-form/index?category_id=ventilator' });
  r.wx.scanCode.mockImplementationOnce(({ success }) => success({ result: '', path: 'pages/device-detail/index?scene=VENT-001' }));
  await tap(r.comp.querySelector('#body'), '#scan');
  // the device cannot be read here (no route): its page, carrying the scan
  expect(r.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/device-detail/index?id=VENT-001&scene=VENT-001' });
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

test('借用单 for managers: 全部 asks GET /loans without a status (the API answers every loan, newest first)', async () => {
  const all = [
    loan({ id: 'L-3', status: 'pending', reason: '新的申请' }),
    loan({ id: 'L-2', status: 'returned', reason: '已归还的单', device_id: 'VENT-001' }),
    loan({ id: 'L-1', status: 'cancelled', reason: '已取消的单' }),
  ];
  const r = await renderPage('pages/loans/index', {
    user: users.manager,
    routes: {
      'GET /loans': (c) => {
        if (c.query.cursor) return page([loan({ id: 'L-0', status: 'rejected', reason: '更早的单' })]);
        if (c.query.status) return page(all.filter((l) => l.status === c.query.status));
        return page(all, 'C-2');
      },
    },
  });
  const body = r.page.selectComponent('#body');
  expect(r.callsTo('GET /loans')[0].query).toEqual({});
  const text = r.text();
  expect(text.indexOf('新的申请')).toBeLessThan(text.indexOf('已归还的单'));
  expect(text.indexOf('已归还的单')).toBeLessThan(text.indexOf('已取消的单'));
  await body.loadMore();
  expect(r.callsTo('GET /loans')[1].query).toEqual({ cursor: 'C-2' });
  expect(r.text()).toContain('更早的单');

  await body.onFilter({ detail: { value: 'returned' } });
  expect(r.callsTo('GET /loans')[2].query).toEqual({ status: 'returned' });
  expect(r.text()).toContain('已归还的单');
  expect(r.text()).not.toContain('新的申请');
  await body.onFilter({ detail: { value: '' } });
  expect(r.callsTo('GET /loans')[3].query).toEqual({});
  expect(r.text()).toContain('已取消的单');
});
