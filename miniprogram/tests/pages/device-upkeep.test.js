// Issue 12 parts 1-2 in the mini program: disinfection (待消毒) by scan, maintenance / calibration dates and
// their records, the 待消毒 and 30天内到期 lists, the board's 待消毒 count.
const { renderPage, tap } = require('../helpers/render');
const { apiError } = require('../helpers/fake-api');
const { users, category, device, page } = require('../helpers/fixtures');

const codeOf = (scene) => ({ result: '', path: `pages/device-detail/index?scene=${encodeURIComponent(scene)}` });
const cleaning = { ...device, status: 'cleaning', cleaning_since: '2026-12-01T00:00:00Z', waiting_hours: 5.5, cleaning_alert: true };

test('device detail opened by scanning a device waiting for disinfection: the manager records it with that scan', async () => {
  const r = await renderPage('pages/device-detail/index', {
    user: users.manager, query: { scene: 'VENT-001.Secret0001' },
    routes: {
      'GET /devices/VENT-001': cleaning,
      'POST /devices/VENT-001/disinfection': { ...device, status: 'available', last_disinfected_at: '2026-12-01T06:00:00Z' },
    },
    wx: { actionSheetIndex: 1, modalContent: ' 75%酒精棉片 ' },
  });
  expect(r.text()).toContain('待消毒');
  expect(r.text()).toContain('已等待 5.5 小时');
  await tap(r.comp, '#disinfect');
  expect(r.wx.scanCode).not.toHaveBeenCalled();
  expect(r.callsTo('POST /devices/VENT-001/disinfection').map((c) => c.body)).toEqual([
    { scan: 'VENT-001.Secret0001', method: 'alcohol_75', agent: '75%酒精棉片' },
  ]);
  expect(r.wx.showToast).toHaveBeenCalledWith({ title: '已登记消毒', icon: 'success' });
  expect(r.comp.querySelector('#disinfect')).toBeFalsy();
  expect(r.text()).toContain('可用');
});

test('device detail opened from a list: the disinfection scans the label first, refusing another device', async () => {
  const r = await renderPage('pages/device-detail/index', {
    user: users.manager, query: { id: 'VENT-001' },
    routes: {
      'GET /devices/VENT-001': cleaning,
      'POST /devices/VENT-001/disinfection': (c) => (c.body.scan === 'VENT-001.Old0000001'
        ? apiError(422, 'invalid_scan', '设备码已失效') : { ...device, status: 'available' }),
    },
  });
  r.wx.scanCode.mockImplementationOnce(({ success }) => success(codeOf('VENT-002.Secret0002')));
  await tap(r.comp, '#disinfect');
  expect(r.callsTo('POST /devices/VENT-001/disinfection')).toHaveLength(0);
  expect(r.wx.showToast).toHaveBeenLastCalledWith({ title: '扫描的设备与当前设备不一致', icon: 'none' });

  r.wx.scanCode.mockImplementationOnce(({ success }) => success(codeOf('VENT-001.Old0000001')));
  await tap(r.comp, '#disinfect');
  // an invalid scan asks the reader to act (scan the new label): shown in full in a dialog (utils/feedback)
  expect(r.wx.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ content: '设备码已失效' }));
  expect(r.comp.querySelector('#disinfect')).toBeTruthy();

  r.wx.scanCode.mockImplementationOnce(({ success }) => success(codeOf('VENT-001.Secret0001')));
  await tap(r.comp, '#disinfect');
  expect(r.callsTo('POST /devices/VENT-001/disinfection').map((c) => c.body.scan)).toEqual([
    'VENT-001.Old0000001', 'VENT-001.Secret0001']);
  expect(r.callsTo('POST /devices/VENT-001/disinfection')[1].body.method).toBe('chlorine_wipe');
});

test('applicants see no disinfection or maintenance actions', async () => {
  const r = await renderPage('pages/device-detail/index', { user: users.nurse, query: { id: 'VENT-001' }, routes: { 'GET /devices/VENT-001': cleaning } });
  expect(r.comp.querySelector('#disinfect')).toBeFalsy();
  expect(r.comp.querySelector('#upkeep')).toBeFalsy();
});

test('device detail shows the next maintenance and calibration dates, red when past', async () => {
  const dated = { ...device, next_maintenance_due: '2027-03-01', next_calibration_due: '2026-11-30', calibration_overdue: true };
  const r = await renderPage('pages/device-detail/index', { user: users.manager, query: { id: 'VENT-001' }, routes: { 'GET /devices/VENT-001': dated } });
  expect(r.text()).toContain('2027-03-01');
  expect(r.text()).toContain('2026-11-30（已过期，停借）');
  const red = Array.from(r.comp.dom.querySelectorAll('[class*="overdue"]')).map((el) => el.textContent);
  expect(red).toEqual(['2026-11-30（已过期，停借）']); // the past calibration only
});

test('a manager records a passed calibration: certificate and the next date from the category interval', async () => {
  const now = Date.UTC(2026, 11, 6, 20, 0); // 2026-12-07 04:00 in Beijing
  jest.spyOn(Date, 'now').mockReturnValue(now);
  try {
    const r = await renderPage('pages/device-detail/index', {
      user: users.manager, query: { id: 'VENT-001' },
      routes: {
        'GET /devices/VENT-001': { ...device, calibration_interval_days: 365 },
        'POST /devices/VENT-001/maintenance-records': (c) => ({ ...device, next_calibration_due: c.body.next_due }),
      },
      wx: { modalContent: 'JJ2026-88' },
    });
    r.wx.showActionSheet
      .mockImplementationOnce(({ success }) => success({ tapIndex: 1 })) // 计量检定
      .mockImplementationOnce(({ success }) => success({ tapIndex: 0 })); // 合格
    await tap(r.comp, '#upkeep');
    expect(r.callsTo('POST /devices/VENT-001/maintenance-records').map((c) => c.body)).toEqual([
      { kind: 'calibration', result: 'pass', certificate_no: 'JJ2026-88', next_due: '2027-12-07' },
    ]);
    expect(r.text()).toContain('2027-12-07');
  } finally {
    Date.now.mockRestore();
  }
});

test('a failed maintenance is confirmed first and sends no next date', async () => {
  const r = await renderPage('pages/device-detail/index', {
    user: users.manager, query: { id: 'VENT-001' },
    routes: { 'GET /devices/VENT-001': device, 'POST /devices/VENT-001/maintenance-records': { ...device, status: 'maintenance' } },
  });
  r.wx.showActionSheet
    .mockImplementationOnce(({ success }) => success({ tapIndex: 0 })) // 预防性维护
    .mockImplementationOnce(({ success }) => success({ tapIndex: 1 })); // 不合格
  r.wx.showModal.mockImplementationOnce(({ success }) => success({ confirm: false }));
  await tap(r.comp, '#upkeep');
  expect(r.callsTo('POST /devices/VENT-001/maintenance-records')).toHaveLength(0);
  r.wx.showActionSheet
    .mockImplementationOnce(({ success }) => success({ tapIndex: 0 }))
    .mockImplementationOnce(({ success }) => success({ tapIndex: 1 }));
  await tap(r.comp, '#upkeep');
  expect(r.callsTo('POST /devices/VENT-001/maintenance-records').map((c) => c.body)).toEqual([{ kind: 'maintenance', result: 'fail' }]);
  expect(r.text()).toContain('维修中');
});

test('待消毒 list: GET /devices?status=cleaning, hours waited, red past the alert', async () => {
  const r = await renderPage('pages/devices/index', {
    user: users.manager, query: { view: 'cleaning' },
    routes: {
      'GET /devices': (c) => page(c.query.status === 'cleaning' ? [cleaning, { ...cleaning, id: 'VENT-002', waiting_hours: 1, cleaning_alert: false }] : []),
      'GET /categories': page([category]),
    },
  });
  expect(r.callsTo('GET /devices')[0].query).toEqual({ status: 'cleaning' });
  expect(r.text()).toContain('已等待 5.5 小时');
  expect(r.text()).toContain('已等待 1.0 小时');
  const red = Array.from(r.comp.dom.querySelectorAll('[class*="overdue"]')).map((el) => el.textContent);
  expect(red).toEqual(['已等待 5.5 小时']);
});

test('30天内到期 list: GET /devices?due_within_days=30 with the dates', async () => {
  const r = await renderPage('pages/devices/index', {
    user: users.manager,
    routes: {
      'GET /devices': (c) => page(c.query.due_within_days ? [{ ...device, next_maintenance_due: '2026-12-20' }] : [device]),
      'GET /categories': page([category]),
    },
  });
  await r.page.onView({ detail: { value: 'due' } });
  expect(r.callsTo('GET /devices')[1].query).toEqual({ due_within_days: '30' });
  expect(r.text()).toContain('维护 2026-12-20');
  expect(r.text()).toContain('检定 未设置');
});

test('the availability board shows the devices waiting for disinfection', async () => {
  const withCleaning = { ...category, availability: { ...category.availability, cleaning: 2 } };
  const r = await renderPage('pages/apply/index', { user: users.nurse, routes: { 'GET /categories': page([withCleaning]) } });
  const counts = r.comp.dom.querySelector('[class*="count--cleaning"]');
  expect(counts.textContent).toContain('2');
  expect(counts.textContent).toContain('待消毒');
});

test('services: recordDisinfection and recordMaintenance post to the device', async () => {
  const r = await renderPage('pages/device-detail/index', {
    user: users.manager, query: { id: 'VENT-001' },
    routes: { 'GET /devices/VENT-001': device, 'POST /devices/VENT-001/disinfection': device, 'POST /devices/VENT-001/maintenance-records': device },
  });
  const devices = require('../../services/devices');
  await devices.recordDisinfection('VENT-001', { device_id: 'VENT-001' }, { method: 'uv' });
  await devices.recordMaintenance('VENT-001', { kind: 'maintenance', result: 'pass' });
  expect(r.callsTo('POST /devices/VENT-001/disinfection')[0].body).toEqual({ device_id: 'VENT-001', method: 'uv' });
  expect(r.callsTo('POST /devices/VENT-001/maintenance-records')[0].body).toEqual({ kind: 'maintenance', result: 'pass' });
});

test('category edit: maintenance and calibration intervals (optional, whole days)', async () => {
  const r = await renderPage('pages/category-edit/index', {
    user: users.manager, query: { id: 'ventilator' },
    routes: { 'GET /categories': page([category]), 'PUT /categories/ventilator': category },
  });
  r.page.onInput({ currentTarget: { dataset: { field: 'calibration_interval_days' } }, detail: '1.5' });
  await tap(r.comp, '#save');
  expect(r.callsTo('PUT /categories/ventilator')).toHaveLength(0);
  expect(r.wx.showToast).toHaveBeenLastCalledWith({ title: '维护/检定周期须为 1-3650 的整数天', icon: 'none' });
  r.page.onInput({ currentTarget: { dataset: { field: 'calibration_interval_days' } }, detail: '365' });
  await tap(r.comp, '#save');
  const body = r.callsTo('PUT /categories/ventilator')[0].body;
  expect(body.calibration_interval_days).toBe(365);
  expect(body).not.toHaveProperty('maintenance_interval_days');
});

test('device edit: next maintenance and calibration dates', async () => {
  const r = await renderPage('pages/device-edit/index', {
    user: users.manager, query: { id: 'VENT-001' },
    routes: {
      'GET /devices/VENT-001': { ...device, next_calibration_due: '2027-01-01' },
      'GET /categories': page([category]),
      'PUT /devices/VENT-001': (c) => ({ ...device, ...c.body }),
    },
  });
  r.page.onInput({ currentTarget: { dataset: { field: 'next_maintenance_due' } }, detail: '2027/02/01' });
  await tap(r.comp, '#save');
  expect(r.callsTo('PUT /devices/VENT-001')).toHaveLength(0);
  r.page.onInput({ currentTarget: { dataset: { field: 'next_maintenance_due' } }, detail: '2027-02-01' });
  await tap(r.comp, '#save');
  expect(r.callsTo('PUT /devices/VENT-001')[0].body).toMatchObject({ next_maintenance_due: '2027-02-01', next_calibration_due: '2027-01-01' });
});
