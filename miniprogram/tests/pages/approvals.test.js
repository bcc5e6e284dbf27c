// Managers (issue 14 item 3, issue 12 part 3 manager side): counts and badge, refresh on show and every 30 s while
// the 审批 tab is shown, a new request announced with the subscription offered again, queue positions, the one-tap
// 批准（自动分配设备）, the API's refusals, the applicant's name and a call button, the category's reserve settings.
const fs = require('fs');
const path = require('path');
const { renderPage, tap, settle, ROOT } = require('../helpers/render');
const { apiError } = require('../helpers/fake-api');
const { users, category, loan, page } = require('../helpers/fixtures');

const head = loan({
  id: 'L-1', urgency: 'emergency', reason: '抢救', department_id: 'EM', applicant_name: '王主任', applicant_phone: '13700000000',
  queued_at: '2024-03-01T02:05:00Z', queue: { position: 1, length: 2, free: 0, waiting: true },
});
const second = loan({ id: 'L-2', urgency: 'routine', queued_at: '2024-03-01T02:06:00Z', queue: { position: 2, length: 2, free: 0, waiting: true } });
const handOvers = [loan({ id: 'L-5', status: 'approved', device_id: 'VENT-001' })];
const byStatus = (pending) => (call) => {
  if (call.query.status === 'approved') return page(handOvers);
  if (call.query.status === 'return_requested') return page([]);
  return page(pending());
};

test('审批 tab: counts on 待审批 / 待交接 / 待确认归还, the tab bar badge, queue positions on the cards', async () => {
  const r = await renderPage('pages/apply/index', { user: users.manager, routes: { 'GET /loans': byStatus(() => [head, second]) } });
  const body = r.page.selectComponent('#body');
  expect(body.data.counts).toEqual({ pending: 2, approved: 1, return_requested: 0 });
  const tabs = r.comp.querySelectorAll('#body >>> .van-tab');
  expect(tabs.map((t) => t.dom.textContent.replace(/\s+/g, ''))).toEqual(['待审批2', '待交接1', '待确认归还']);
  expect(r.text()).toContain('排队中 第 1 位（共 2 人）');
  expect(r.text()).toContain('排队中 第 2 位（共 2 人）');
  expect(r.text()).toContain('王主任');
  // the tab bar of any tab page shows the pending count on 审批
  const bar = await renderPage('custom-tab-bar/index', { user: users.manager, lifecycle: false });
  expect(bar.text()).not.toContain('审批2'); // a fresh module registry: nothing counted yet
  const { setBadge } = require('../../utils/badges');
  setBadge('/pages/apply/index', 2);
  bar.page.refresh('/pages/apply/index');
  await settle();
  expect(bar.text().replace(/\s+/g, '')).toContain('2审批');
});

test('审批 tab: read again every 30 s while shown, stopped on hide; a new request is announced and the reminder offered again', async () => {
  const spy = jest.spyOn(global, 'setInterval');
  const clear = jest.spyOn(global, 'clearInterval');
  let pending = [second];
  const r = await renderPage('pages/apply/index', {
    user: users.manager, routes: { 'GET /loans': byStatus(() => pending) },
  });
  expect(r.wx.showModal).not.toHaveBeenCalled(); // what is there on the first read is not "new"
  const poll = spy.mock.calls.find(([, ms]) => ms === 30000);
  expect(poll).toBeTruthy();
  pending = [head, second];
  const before = r.calls.length;
  poll[0]();
  await settle(10);
  expect(r.calls.length).toBeGreaterThan(before);
  expect(r.page.selectComponent('#body').data.counts.pending).toBe(2);
  expect(r.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '新的抢救申请：急诊科', confirmText: '接收' }));
  expect(r.wx.requestSubscribeMessage).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['LOCAL_TEMPLATE_NEW_REQUEST'] }));
  expect(r.text()).toContain('排队中 第 1 位');
  r.page.onHide();
  expect(clear).toHaveBeenCalled();
  spy.mockRestore();
  clear.mockRestore();
});

test('a manager approves the head of the queue in one tap from the 审批 tab (the server picks the device)', async () => {
  let pending = [{ ...head, queue: { position: 1, length: 2, free: 1, waiting: false } }, second];
  const r = await renderPage('pages/apply/index', {
    user: users.manager,
    routes: {
      'GET /loans': byStatus(() => pending),
      'POST /loans/L-1/approve': () => {
        pending = [second];
        return loan({ ...head, status: 'approved', device_id: 'VENT-001', approved_by: 'demo-manager' });
      },
    },
  });
  const body = r.comp.querySelector('#body');
  expect(body.querySelector('#auto-approve-L-2')).toBeFalsy(); // only the head (or one a free device can serve)
  let taps = 0;
  taps += 1;
  await tap(body, '#auto-approve-L-1');
  const [post] = r.callsTo('POST /loans/L-1/approve');
  expect(post.body).toEqual({});
  expect(taps).toBe(1);
  expect(r.wx.showToast).toHaveBeenCalledWith({ title: '已批准并分配设备', icon: 'success' });
  expect(r.page.selectComponent('#body').data.loans.map((l) => l.id)).toEqual(['L-2']);
});

test.each([
  ['no_device_available', '该类别暂无可分配的设备，请等待设备消毒完成'],
  ['emergency_reserve_held', '剩余设备为抢救预留，常规和紧急申请需排队'],
])('approve refused with %s: the message is shown in full in a dialog', async (code, message) => {
  const r = await renderPage('pages/apply/index', {
    user: users.manager,
    routes: { 'GET /loans': byStatus(() => [head]), 'POST /loans/L-1/approve': apiError(409, code, message) },
  });
  await tap(r.comp.querySelector('#body'), '#auto-approve-L-1');
  expect(r.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '未能完成', content: message }));
});

test('loan page (manager): the applicant by name with phone, 拨打电话, and 批准（自动分配设备） for the head', async () => {
  const r = await renderPage('pages/loan-detail/index', {
    user: users.manager, query: { id: 'L-1' },
    routes: { 'GET /loans/L-1': head, 'POST /loans/L-1/approve': loan({ ...head, status: 'approved', device_id: 'VENT-001' }) },
  });
  expect(r.text()).toContain('王主任 · 13700000000');
  await tap(r.comp, '#call');
  expect(r.wx.makePhoneCall).toHaveBeenCalledWith(expect.objectContaining({ phoneNumber: '13700000000' }));
  await tap(r.comp, '#auto-approve');
  expect(r.callsTo('POST /loans/L-1/approve')[0].body).toEqual({});
  const ward = await renderPage('pages/loan-detail/index', {
    user: users.nurse, query: { id: 'L-2' }, routes: { 'GET /loans/L-2': { ...second, applicant_name: '张护士长' } },
  });
  expect(ward.comp.querySelector('#call')).toBeFalsy();
  expect(ward.comp.querySelector('#auto-approve')).toBeFalsy();
});

test('pull-down refresh is enabled on every page that handles it', () => {
  const pages = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8')).pages;
  const handling = pages.filter((p) => {
    const js = fs.readFileSync(path.join(ROOT, `${p}.js`), 'utf8');
    return js.includes('onPullDownRefresh') || js.includes('roleTab(');
  });
  expect(handling).toEqual(expect.arrayContaining(['pages/apply/index', 'pages/query/index', 'pages/loans/index']));
  handling.forEach((p) => {
    expect([p, JSON.parse(fs.readFileSync(path.join(ROOT, `${p}.json`), 'utf8')).enablePullDownRefresh]).toEqual([p, true]);
  });
});

test('category edit: the emergency reserve and the automatic reservation for emergencies', async () => {
  const r = await renderPage('pages/category-edit/index', {
    user: users.manager, query: { id: 'ventilator' },
    routes: { 'GET /categories': page([{ ...category, emergency_reserve: 1, auto_reserve_emergency: false }]), 'PUT /categories/ventilator': category },
  });
  expect(r.page.data.form.emergency_reserve).toBe('1');
  r.page.onInput({ currentTarget: { dataset: { field: 'emergency_reserve' } }, detail: '-1' });
  await tap(r.comp, '#save');
  expect(r.callsTo('PUT /categories/ventilator')).toHaveLength(0);
  expect(r.wx.showToast).toHaveBeenLastCalledWith({ title: '抢救预留须为 0 或正整数', icon: 'none' });
  r.page.onInput({ currentTarget: { dataset: { field: 'emergency_reserve' } }, detail: '2' });
  r.page.onAutoReserve({ detail: true });
  await tap(r.comp, '#save');
  expect(r.callsTo('PUT /categories/ventilator')[0].body).toMatchObject({ emergency_reserve: 2, auto_reserve_emergency: true });
});
