// Scanning at each hand-off, 重新申请, 已逾期 (issue 14 item 10), the device page's borrower (item 5).
const { renderPage, tap } = require('../helpers/render');
const { users, category, device, loan, page } = require('../helpers/fixtures');

const codeOf = (scene) => ({ result: '', path: `pages/device-detail/index?scene=${scene}` });

test('the ward scans at pickup: it lands on the loan to hand over, whose one tap sends that scan', async () => {
  const approved = loan({ id: 'L-4', status: 'approved', device_id: 'VENT-001' });
  const board = await renderPage('pages/apply/index', {
    user: users.nurse,
    routes: { 'GET /categories': page([category]), 'GET /devices/VENT-001': { ...device, status: 'reserved', current_loan_id: 'L-4', current_loan: approved } },
  });
  board.wx.scanCode.mockImplementationOnce(({ success }) => success(codeOf('VENT-001.Secret0001')));
  await tap(board.comp.querySelector('#body'), '#scan');
  const [{ url }] = board.wx.navigateTo.mock.calls.slice(-1)[0];
  expect(url).toBe('/pages/loan-detail/index?id=L-4&scene=VENT-001.Secret0001');

  const query = Object.fromEntries(new URL(url, 'https://x').searchParams.entries());
  const r = await renderPage('pages/loan-detail/index', {
    user: users.nurse, query,
    routes: { 'GET /loans/L-4': approved, 'POST /loans/L-4/handover': loan({ id: 'L-4', status: 'in_use', device_id: 'VENT-001' }) },
  });
  await tap(r.comp, '#handover');
  expect(r.wx.scanCode).not.toHaveBeenCalled();
  expect(r.callsTo('POST /loans/L-4/handover')[0].body).toEqual({ scan: 'VENT-001.Secret0001' });
});

test('a manager scans a device being returned: the loan page takes the return with that scan', async () => {
  const returning = loan({ id: 'L-2', status: 'return_requested', device_id: 'VENT-002', department_id: 'ICU' });
  const r = await renderPage('pages/apply/index', {
    user: users.manager,
    routes: { 'GET /loans': page([]), 'GET /devices/VENT-002': { ...device, id: 'VENT-002', status: 'on_loan', current_loan_id: 'L-2', current_loan: returning } },
  });
  r.wx.scanCode.mockImplementationOnce(({ success }) => success(codeOf('VENT-002.Secret0002')));
  await tap(r.comp.querySelector('#body'), '#scan');
  expect(r.wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/loan-detail/index?id=L-2&scene=VENT-002.Secret0002' });

  const detail = await renderPage('pages/loan-detail/index', {
    user: users.manager, query: { id: 'L-2', scene: 'VENT-002.Secret0002' },
    routes: { 'GET /loans/L-2': returning, 'POST /loans/L-2/confirm-return': loan({ id: 'L-2', status: 'returned' }) },
  });
  await tap(detail.comp, '#start-return');
  await tap(detail.comp, '#confirm-return');
  expect(detail.wx.scanCode).not.toHaveBeenCalled();
  expect(detail.callsTo('POST /loans/L-2/confirm-return')[0].body).toEqual({ condition: 'ok', scan: 'VENT-002.Secret0002' });
});

test('a manager scans a device waiting for disinfection: its page records the disinfection with that scan', async () => {
  const cleaning = { ...device, status: 'cleaning', cleaning_since: '2024-03-01T02:00:00Z', waiting_hours: 1.5 };
  const r = await renderPage('pages/apply/index', {
    user: users.manager, routes: { 'GET /loans': page([]), 'GET /devices/VENT-001': cleaning },
  });
  r.wx.scanCode.mockImplementationOnce(({ success }) => success(codeOf('VENT-001.Secret0001')));
  await tap(r.comp.querySelector('#body'), '#scan');
  expect(r.wx.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/device-detail/index?id=VENT-001&scene=VENT-001.Secret0001' });

  const page2 = await renderPage('pages/device-detail/index', {
    user: users.manager, query: { id: 'VENT-001', scene: 'VENT-001.Secret0001' },
    routes: { 'GET /devices/VENT-001': cleaning, 'POST /devices/VENT-001/disinfection': { ...device, status: 'available' } },
  });
  await tap(page2.comp, '#disinfect');
  expect(page2.wx.scanCode).not.toHaveBeenCalled();
  expect(page2.callsTo('POST /devices/VENT-001/disinfection')[0].body).toMatchObject({ scan: 'VENT-001.Secret0001', method: 'chlorine_wipe' });
});

test('重新申请 on a rejected loan opens the form prefilled with its category, urgency and reason', async () => {
  const rejected = loan({ id: 'L-5', status: 'rejected', urgency: 'urgent', reason: '5床&术后 100% 氧合', reject_reason: '暂无设备' });
  const r = await renderPage('pages/loan-detail/index', { user: users.nurse, query: { id: 'L-5' }, routes: { 'GET /loans/L-5': rejected } });
  expect(r.comp.querySelector('#reject-reason').dom.textContent).toContain('暂无设备');
  await tap(r.comp, '#reapply');
  const [{ url }] = r.wx.navigateTo.mock.calls[0];
  expect(url.startsWith('/pages/apply-form/index?category_id=ventilator&urgency=urgent&reason=')).toBe(true);
  // WeChat hands the query over as it is in the URL (encoded)
  const query = Object.fromEntries(url.split('?')[1].split('&').map((kv) => kv.split('=')));
  const form = await renderPage('pages/apply-form/index', {
    user: users.nurse, query, routes: { 'GET /categories': page([category]), 'POST /loans': { status: 201, body: loan({ id: 'L-6' }) } },
  });
  expect(form.page.data.form).toMatchObject({ urgency: 'urgent', reason: '5床&术后 100% 氧合', reasonChip: '' });
  await tap(form.comp, '#submit');
  expect(form.callsTo('POST /loans')[0].body).toMatchObject({ category_id: 'ventilator', urgency: 'urgent', reason: '5床&术后 100% 氧合' });
  // another department's rejected loan or a manager: no 重新申请
  const manager = await renderPage('pages/loan-detail/index', { user: users.manager, query: { id: 'L-5' }, routes: { 'GET /loans/L-5': rejected } });
  expect(manager.comp.querySelector('#reapply')).toBeFalsy();
});

test('an overdue loan shows a red 已逾期 banner, not a green 使用中', async () => {
  const r = await renderPage('pages/loan-detail/index', {
    user: users.nurse, query: { id: 'L-3' }, routes: { 'GET /loans/L-3': loan({ id: 'L-3', status: 'in_use', device_id: 'VENT-003', overdue: true }) },
  });
  const banner = r.comp.querySelector('#banner');
  expect(banner.dom.className).toContain('banner--danger');
  expect(banner.dom.textContent).toContain('已逾期 · 使用中');
  const onTime = await renderPage('pages/loan-detail/index', {
    user: users.nurse, query: { id: 'L-3' }, routes: { 'GET /loans/L-3': loan({ id: 'L-3', status: 'in_use', device_id: 'VENT-003' }) },
  });
  expect(onTime.comp.querySelector('#banner').dom.className).toContain('banner--success');
});

test('the device page names the borrowing department and the due time, not a loan number', async () => {
  const r = await renderPage('pages/device-detail/index', {
    user: users.manager, query: { id: 'VENT-002' },
    routes: {
      'GET /devices/VENT-002': {
        ...device, id: 'VENT-002', status: 'on_loan', current_loan_id: 'L-2', holder_department_id: 'ICU',
        current_loan: loan({ id: 'L-2', status: 'in_use', device_id: 'VENT-002', applicant_name: '张护士长', expected_return_at: '2024-03-02T04:00:00Z' }),
      },
    },
  });
  const cell = r.comp.querySelector('#current-loan').dom.textContent.replace(/\s+/g, ' ');
  expect(cell).toContain('借用科室');
  expect(cell).toContain('重症医学科');
  expect(cell).toContain('应还 2024-03-02 12:00');
  expect(cell).toContain('张护士长');
  expect(cell).not.toContain('L-2');
});

test('names instead of ids: records and timelines show the actor by name and department, 系统 for the system', async () => {
  const records = page([
    { at: '2024-03-01T02:05:00Z', actor: 'demo-nurse-icu', actor_name: '张护士长', actor_department_id: 'ICU', action: 'loan.create', subject: 'loan#L5E7' },
    { at: '2024-03-01T02:10:00Z', actor: 'system', action: 'loan.approve', subject: 'loan#L5E7' },
  ]);
  const r = await renderPage('pages/records/index', { user: users.manager, routes: { 'GET /records': records } });
  expect(r.text()).toContain('借用单 L5E7 · 操作人 张护士长（重症医学科）');
  expect(r.text()).toContain('操作人 系统');
  expect(r.text()).not.toContain('loan#');
  const detail = await renderPage('pages/loan-detail/index', {
    user: users.nurse, query: { id: 'L-1' },
    routes: { 'GET /loans/L-1': loan({ timeline: [records.items[0], { ...records.items[1], actor: 'demo-manager', actor_name: '李工', actor_department_id: 'SBK' }] }) },
  });
  expect(detail.text()).toContain('提交申请 · 张护士长（重症医学科）');
  expect(detail.text()).toContain('李工（设备科）');
  expect(detail.text()).not.toContain('demo-manager');
});

test('消息队列 names the recipient, not the openid', async () => {
  const item = { id: 'N1', event: 'loan_overdue', title: '借用已逾期', body: '请尽快归还', state: 'failed', created_at: '2024-03-01T02:05:00Z', openid: 'oXk2abc', recipient_name: '张护士长', recipient_department_id: 'ICU', attempts: 5 };
  const r = await renderPage('pages/outbox/index', { user: users.manager, routes: { 'GET /outbox': page([item]) } });
  expect(r.text()).toContain('接收人 张护士长');
  expect(r.text()).not.toContain('oXk2abc');
});
