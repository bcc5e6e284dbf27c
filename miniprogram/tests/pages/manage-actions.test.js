// Actions of the profile, registration and management pages.
const { renderPage, tap } = require('../helpers/render');
const { apiError } = require('../helpers/fake-api');
const { users, category, device, page, departments } = require('../helpers/fixtures');

test('register: validates, submits the form with the registration token, then shows pending', async () => {
  const r = await renderPage('pages/register/index', {
    user: null,
    routes: {
      'POST /auth/login': { state: 'registration_required', registration_token: 'REG' },
      'POST /auth/register': { status: 201, body: users.pending },
    },
  });
  await tap(r.comp, '#submit');
  expect(r.text()).toContain('请填写姓名');
  r.page.onInput({ currentTarget: { dataset: { field: 'name' } }, detail: '王主任' });
  r.page.onDepartment({ detail: { value: 1 } });
  r.page.onInput({ currentTarget: { dataset: { field: 'phone' } }, detail: '13700000000' });
  r.page.onInput({ currentTarget: { dataset: { field: 'employee_no' } }, detail: 'E-9' });
  r.page.onRole({ detail: 'manager' });
  await tap(r.comp, '#submit');
  expect(r.callsTo('POST /auth/register')[0].body).toEqual({
    registration_token: 'REG', name: '王主任', department_id: 'EM', phone: '13700000000', employee_no: 'E-9', role: 'manager',
  });
  expect(r.wx.redirectTo).toHaveBeenCalledWith({ url: '/pages/pending/index?state=pending' });
});

test('profile: edit and save through PUT /me; log out clears the session', async () => {
  const r = await renderPage('pages/profile/index', {
    user: users.nurse,
    routes: { 'GET /me': users.nurse, 'PUT /me': (c) => ({ ...users.nurse, ...c.body }) },
  });
  expect(r.text()).toContain('重症医学科');
  await tap(r.comp, '#edit');
  r.page.onInput({ currentTarget: { dataset: { field: 'phone' } }, detail: '13811112222' });
  await tap(r.comp, '#save');
  expect(r.callsTo('PUT /me')[0].body).toMatchObject({ phone: '13811112222' });
  expect(r.text()).toContain('13811112222');
  await tap(r.comp, '#logout');
  expect(r.wx.storage.has('medpool.session')).toBe(false);
  expect(r.wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/launch/index?logout=1' });
});

test('users: approve and reject registrations, disable from the menu', async () => {
  const r = await renderPage('pages/users/index', {
    user: users.manager,
    routes: { 'GET /users': page([users.pending]), 'PUT /users/new-1': (c) => ({ ...users.pending, ...c.body }) },
    wx: { actionSheetIndex: 2 },
  });
  await tap(r.comp, '.approve-user');
  expect(r.callsTo('PUT /users/new-1')[0].body).toEqual({ status: 'active' });
  expect(r.wx.showToast).toHaveBeenCalledWith({ title: '已通过', icon: 'success' });
  await tap(r.comp, '.reject-user');
  expect(r.callsTo('PUT /users/new-1')[1].body).toEqual({ status: 'rejected' });
  await tap(r.comp, '.more');
  expect(r.callsTo('PUT /users/new-1')[2].body).toEqual({ status: 'disabled' });
});

test('announcements: managers publish a pinned announcement', async () => {
  const list = await renderPage('pages/announcements/index', { user: users.manager, routes: { 'GET /announcements': page([]) } });
  await tap(list.comp, '#create');
  expect(list.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/announcement-edit/index' });

  const r = await renderPage('pages/announcement-edit/index', { user: users.manager, routes: { 'POST /announcements': { status: 201, body: { id: 'A2' } } } });
  r.page.onInput({ currentTarget: { dataset: { field: 'title' } }, detail: '停电通知' });
  r.page.onInput({ currentTarget: { dataset: { field: 'body' } }, detail: '周六设备间检修' });
  r.page.onPinned({ detail: true });
  await tap(r.comp, '#save');
  expect(r.callsTo('POST /announcements')[0].body).toEqual({ title: '停电通知', body: '周六设备间检修', pinned: true });
  expect(r.wx.navigateBack).toHaveBeenCalled();
});

test('announcements: applicants cannot write', async () => {
  const r = await renderPage('pages/announcements/index', { user: users.nurse, routes: { 'GET /announcements': page([]) } });
  expect(r.comp.querySelector('#create')).toBeFalsy();
});

test('device detail: managers move a device to maintenance and see its history', async () => {
  const r = await renderPage('pages/device-detail/index', {
    user: users.manager, query: { scene: 'VENT-001' },
    routes: {
      'GET /devices/VENT-001': device,
      'PUT /devices/VENT-001': (c) => ({ ...device, ...c.body }),
      'GET /devices/VENT-001/history': page([require('../helpers/fixtures').loan({ status: 'returned', reason: '历史借用' })]),
    },
  });
  await tap(r.comp, '#status');
  expect(r.callsTo('PUT /devices/VENT-001')[0].body).toEqual({ status: 'maintenance' });
  expect(r.text()).toContain('维修中');
  await tap(r.comp, '#history');
  expect(r.text()).toContain('历史借用');
});

test('device detail opened by scanning the label: the ward hands over its approved loan with the scene', async () => {
  const reserved = { ...device, status: 'reserved', current_loan_id: 'L-1', current_loan: { id: 'L-1', status: 'approved', department_id: 'ICU' } };
  let current = reserved;
  const r = await renderPage('pages/device-detail/index', {
    user: users.nurse, query: { scene: encodeURIComponent('VENT-001.Secret0001') },
    routes: {
      'GET /devices/VENT-001': () => current,
      'POST /loans/L-1/handover': () => {
        current = { ...device, status: 'on_loan', current_loan_id: 'L-1', current_loan: { id: 'L-1', status: 'in_use' } };
        return { id: 'L-1', status: 'in_use' };
      },
    },
  });
  await tap(r.comp, '#handover');
  expect(r.callsTo('POST /loans/L-1/handover').map((c) => c.body)).toEqual([{ scan: 'VENT-001.Secret0001' }]);
  expect(r.wx.showToast).toHaveBeenCalledWith({ title: '交接完成', icon: 'success' });
  expect(r.comp.querySelector('#handover')).toBeFalsy();
});

test('device detail opened from a list (no scan): no hand-over here; managers go on to the return with a scanned label', async () => {
  const lent = { ...device, status: 'on_loan', current_loan_id: 'L-1', current_loan: { id: 'L-1', status: 'return_requested' } };
  const plain = await renderPage('pages/device-detail/index', { user: users.nurse, query: { id: 'VENT-001' }, routes: { 'GET /devices/VENT-001': lent } });
  expect(plain.comp.querySelector('#handover')).toBeFalsy();
  expect(plain.comp.querySelector('#take-back')).toBeFalsy();
  const m = await renderPage('pages/device-detail/index', {
    user: users.manager, query: { scene: 'VENT-001.Secret0001' }, routes: { 'GET /devices/VENT-001': lent },
  });
  await tap(m.comp, '#take-back');
  expect(m.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/loan-detail/index?id=L-1&scene=VENT-001.Secret0001' });
});

test('device detail: a manager reprints the label (the old one is void)', async () => {
  const r = await renderPage('pages/device-detail/index', {
    user: users.manager, query: { id: 'VENT-001' },
    routes: {
      'GET /devices/VENT-001': { ...device, guide: '先自检' },
      'POST /devices/VENT-001/code/rotate': { ...device, label_issued_at: '2026-12-01T08:00:00Z' },
    },
  });
  await tap(r.comp, '#rotate-label');
  expect(r.callsTo('POST /devices/VENT-001/code/rotate')).toHaveLength(1);
  expect(r.wx.showToast).toHaveBeenCalledWith({ title: '已生成新标签', icon: 'success' });
  expect(r.page.data.device).toMatchObject({ label_issued_at: '2026-12-01T08:00:00Z', guide: '先自检' });
});

test('device detail: applicants can apply for an available device', async () => {
  const r = await renderPage('pages/device-detail/index', { user: users.nurse, query: { id: 'VENT-001' }, routes: { 'GET /devices/VENT-001': device } });
  await tap(r.comp, '#apply');
  expect(r.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/apply-form/index?device_id=VENT-001' });
  expect(r.comp.querySelector('#status')).toBeFalsy();
});

test('devices: filter by status, scan, labels, create', async () => {
  const r = await renderPage('pages/devices/index', {
    user: users.manager, routes: { 'GET /devices': page([device]), 'GET /categories': page([category]) },
  });
  await r.page.onStatus({ detail: { value: 'maintenance' } });
  expect(r.callsTo('GET /devices')[1].query).toEqual({ status: 'maintenance' });
  r.wx.scanCode.mockImplementationOnce(({ success }) => success({ result: 'medpool:device:VENT-001' }));
  await tap(r.comp, '#scan');
  expect(r.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/device-detail/index?id=VENT-001' });
  await tap(r.comp, '#labels');
  expect(r.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/labels/index' });
});

test('device edit: registers a new device with the price in fen', async () => {
  const r = await renderPage('pages/device-edit/index', {
    user: users.manager, routes: { 'GET /categories': page([category]), 'POST /devices': { status: 201, body: device } },
  });
  const set = (field, value) => r.page.onInput({ currentTarget: { dataset: { field } }, detail: value });
  set('id', 'VENT-002'); set('name', '呼吸机 02'); set('price', '2500.5');
  r.page.onCategory({ detail: { value: 0 } });
  await tap(r.comp, '#save');
  expect(r.callsTo('POST /devices')[0].body).toMatchObject({
    id: 'VENT-002', name: '呼吸机 02', category_id: 'ventilator', owner_department_id: 'SBK', purchase_price_fen: 250050,
  });
});

test('category edit: updates the rate and loan period', async () => {
  const r = await renderPage('pages/category-edit/index', {
    user: users.manager, query: { id: 'ventilator' },
    routes: { 'GET /categories': page([category]), 'PUT /categories/ventilator': category },
  });
  r.page.onInput({ currentTarget: { dataset: { field: 'rate' } }, detail: '18' });
  await tap(r.comp, '#save');
  expect(r.callsTo('PUT /categories/ventilator')[0].body).toMatchObject({ rate_fen: 1800, rate_unit: 'hour', max_loan_hours: 72 });
});

test('departments: add one; an API refusal is shown', async () => {
  const r = await renderPage('pages/departments/index', {
    user: users.manager,
    routes: { 'POST /departments': apiError(409, 'department_exists', '科室编码已存在') },
  });
  r.page.onInput({ currentTarget: { dataset: { field: 'id' } }, detail: 'ICU' });
  r.page.onInput({ currentTarget: { dataset: { field: 'name' } }, detail: '重症' });
  await tap(r.comp, '#create');
  expect(r.callsTo('POST /departments')[0].body).toEqual({ id: 'ICU', name: '重症', is_equipment_department: false });
  expect(r.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '科室编码已存在' }));
  expect(departments.items).toHaveLength(3);
});

test('billing: export downloads the month as xlsx with the token and opens it', async () => {
  const r = await renderPage('pages/billing/index', { user: users.manager, routes: { 'GET /billing': { month: '2024-03', total_fen: 0, departments: [] } } });
  r.wx.downloadFile.mockImplementation((o) => o.success({ statusCode: 200, tempFilePath: '/tmp/bill.xlsx' }));
  await tap(r.comp, '#export-xlsx');
  const { url, header } = r.wx.downloadFile.mock.calls[0][0];
  expect(url).toMatch(/\/billing\?month=\d{4}-\d{2}&format=xlsx$/);
  expect(header.Authorization).toBe('Bearer token-demo-manager');
  expect(header.Accept).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  expect(r.wx.openDocument).toHaveBeenCalledWith({ filePath: '/tmp/bill.xlsx', fileType: 'xlsx', showMenu: true });
});

test('manage hub opens the management pages', async () => {
  const r = await renderPage('pages/query/index', { user: users.manager });
  expect(r.text()).toContain('用户审核');
  expect(r.text()).toContain('消息队列');
  expect(r.text()).toContain('逾期限制');
  r.page.selectComponent('#body').onOpen({ currentTarget: { dataset: { url: '/pages/users/index' } } });
  expect(r.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/users/index' });
});

test('custom tab bar: tabs by role, switching tabs', async () => {
  const nurse = await renderPage('custom-tab-bar/index', { user: users.nurse });
  expect(nurse.text()).toContain('申请');
  expect(nurse.text()).toContain('查询');
  const manager = await renderPage('custom-tab-bar/index', { user: users.manager });
  expect(manager.text()).toContain('审批');
  expect(manager.text()).toContain('管理');
  manager.page.onSwitch({ currentTarget: { dataset: { path: '/pages/announcements/index' } } });
  expect(manager.wx.switchTab).toHaveBeenCalledWith({ url: '/pages/announcements/index' });
});
