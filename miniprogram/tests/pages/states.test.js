// Every page renders its data, its empty state and its error state (the API's error.message).
const { renderPage, tap } = require('../helpers/render');
const { apiError } = require('../helpers/fake-api');
const { users, category, device, loan, page, departments } = require('../helpers/fixtures');

const ERROR = apiError(503, 'unavailable', '服务暂不可用，请稍后再试');
const announcement = { id: 'A1', title: '呼吸机调配规则', body: '抢救优先', pinned: true, published_at: '2024-03-01T00:00:00Z' };
const record = { at: '2024-03-01T02:05:00Z', actor: 'demo-manager', action: 'loan.approve', subject: 'L-1' };

// [page, user, query, main endpoint, data, text shown with data, empty body, empty text, extra routes]
const CASES = [
  ['pages/profile/index', users.nurse, {}, 'GET /me', users.nurse, '张护士长', null, null],
  ['pages/register/index', null, {}, 'GET /departments', departments, '提交注册', page([]), '提交注册'],
  ['pages/apply/index', users.nurse, {}, 'GET /categories', page([category]), '有创呼吸机', page([]), '暂无可借用的设备类别'],
  ['pages/apply/index', users.manager, {}, 'GET /loans', page([loan({ urgency: 'emergency' })]), '抢救申请 1 件', page([]), '没有待审批的申请'],
  ['pages/query/index', users.nurse, {}, 'GET /loans', page([loan()]), '3床呼吸衰竭', page([]), '暂无借用记录'],
  ['pages/announcements/index', users.nurse, {}, 'GET /announcements', page([announcement]), '呼吸机调配规则', page([]), '暂无公告'],
  ['pages/loan-detail/index', users.nurse, { id: 'L-1' }, 'GET /loans/L-1', loan(), '待审批', null, null],
  ['pages/apply-form/index', users.nurse, { category_id: 'ventilator' }, 'GET /categories', page([category]), '可用 3', page([]), '设备类别不存在'],
  ['pages/device-detail/index', users.manager, { id: 'VENT-001' }, 'GET /devices/VENT-001', device, '迈瑞 SV300', null, null],
  ['pages/devices/index', users.manager, {}, 'GET /devices', page([device]), 'VENT-001', page([]), '没有符合条件的设备', { 'GET /categories': page([category]) }],
  ['pages/device-edit/index', users.manager, { id: 'VENT-001' }, 'GET /devices/VENT-001', device, 'SN1', null, null, { 'GET /categories': page([category]) }],
  ['pages/categories/index', users.manager, {}, 'GET /categories', page([category]), '¥20.00/小时', page([]), '暂无设备类别'],
  ['pages/category-edit/index', users.manager, { id: 'ventilator' }, 'GET /categories', page([category]), '保存', page([]), '设备类别不存在'],
  ['pages/loans/index', users.manager, {}, 'GET /loans', page([loan()]), '重症医学科', page([]), '暂无借用记录'],
  ['pages/users/index', users.manager, {}, 'GET /users', page([users.pending]), '王主任', page([]), '没有待审核的注册'],
  ['pages/departments/index', users.manager, {}, 'GET /departments', departments, '重症医学科', page([]), '暂无科室'],
  ['pages/records/index', users.manager, {}, 'GET /records', page([record]), '批准并分配设备', page([]), '没有操作记录'],
  ['pages/stats/index', users.manager, {}, 'GET /stats', { categories: [{ category_id: 'ventilator', name: '有创呼吸机', loans: 12, device_hours: 300, utilization: 0.42, damage_rate: 0.05, overdue_rate: 0.1, revenue_fen: 450000, benefit_rate: 0.12 }] },
    '42.0%', { categories: [] }, '该时段没有借用数据', { 'GET /categories': page([category]) }],
  ['pages/billing/index', users.manager, {}, 'GET /billing', { month: '2024-03', total_fen: 360000, departments: [{ department_id: 'ICU', name: '重症医学科', charges_fen: 360000, credits_fen: 0, net_fen: -360000, charges: [], credits: [] }] },
    '-¥3,600.00', { month: '2024-03', total_fen: 0, departments: [] }, '该月没有计费数据'],
  ['pages/labels/index', users.manager, {}, 'GET /devices', page([device]), 'VENT-001', page([]), '没有设备'],
  ['pages/outbox/index', users.manager, {}, 'GET /outbox', page([{ id: 'N1', event: 'loan_overdue', title: '借用已逾期', body: '呼吸机 VENT-001 已逾期', state: 'failed', created_at: '2024-03-01T02:05:00Z', openid: 'demo-nurse-icu', attempts: 5, last_error: '内容不符合模板要求' }]),
    '内容不符合模板要求', page([]), '没有发送失败的消息'],
  ['pages/blocks/index', users.manager, {}, 'GET /blocks', { enabled: true, hours: 48, items: [{ department_id: 'ICU', loan_ids: ['L-9'], lifted_loan_ids: [], blocked: true }] },
    '重症医学科', { enabled: true, hours: 48, items: [] }, '没有被限制的科室'],
  ['pages/announcement-edit/index', users.manager, { id: 'A1' }, 'GET /announcements', page([announcement]), '抢救优先', page([]), '公告不存在或已删除'],
];

describe.each(CASES)('%s as %s', (pagePath, user, query, endpoint, data, dataText, emptyBody, emptyText, extra = {}) => {
  const label = user ? user.role : 'new user';
  test(`renders with data (${label})`, async () => {
    const r = await renderPage(pagePath, { user, query, routes: { ...extra, [endpoint]: data } });
    expect(r.callsTo(endpoint).length).toBeGreaterThan(0);
    // Form pages show loaded values inside inputs: look at the page data too.
    expect(`${r.text()} ${JSON.stringify(r.page.data)}`).toContain(dataText);
  });

  if (emptyBody) {
    test(`renders the empty state (${label})`, async () => {
      const r = await renderPage(pagePath, { user, query, routes: { ...extra, [endpoint]: emptyBody } });
      expect(r.text()).toContain(emptyText);
    });
  }

  test(`renders the error state with the API message (${label})`, async () => {
    const r = await renderPage(pagePath, { user, query, routes: { ...extra, [endpoint]: ERROR } });
    expect(r.text()).toContain('服务暂不可用，请稍后再试');
    expect(r.text()).toContain('重试');
  });
});

test('pages/pending shows the state and refreshes to the app once approved', async () => {
  const r = await renderPage('pages/pending/index', {
    user: null, query: { state: 'pending' },
    routes: { 'POST /auth/login': { state: 'active', token: 'T', user: users.nurse } },
  });
  expect(r.text()).toContain('等待审核');
  await tap(r.comp, '#refresh');
  expect(r.wx.switchTab).toHaveBeenCalledWith({ url: '/pages/apply/index' });
});

test('pages/pending shows an error from the API', async () => {
  const r = await renderPage('pages/pending/index', { user: null, query: { state: 'disabled' }, routes: { 'POST /auth/login': ERROR } });
  expect(r.text()).toContain('账号已停用');
  await tap(r.comp, '#refresh');
  expect(r.text()).toContain('服务暂不可用，请稍后再试');
});

test('pages/billing shows a net credit with + and an owed net with -¥, coloured', async () => {
  const billing = { month: '2024-03', total_fen: 2846000, departments: [
    { department_id: 'ICU', name: '重症医学科', charges_fen: 2846000, credits_fen: 0, net_fen: -2846000 },
    { department_id: 'SBK', name: '设备科', charges_fen: 0, credits_fen: 2846000, net_fen: 2846000 },
  ] };
  const r = await renderPage('pages/billing/index', { user: users.manager, routes: { 'GET /billing': billing } });
  expect(r.text()).toContain('-¥28,460.00');
  expect(r.text()).toContain('+¥28,460.00');
  expect(r.text()).not.toContain('¥-');
  expect(r.comp.querySelector('.td--owed')).toBeTruthy();
  expect(r.comp.querySelector('.td--credit')).toBeTruthy();
});

test('pages/stats shows one card per category, no 7-column table', async () => {
  const stats = { categories: [{ category_id: 'ventilator', name: '有创呼吸机', loans: 1280, device_hours: 30240, utilization: 0.42, damage_rate: 0, overdue_rate: 0.1, revenue_fen: 60480000, benefit_rate: 0.12 }] };
  const r = await renderPage('pages/stats/index', { user: users.manager, routes: { 'GET /stats': stats, 'GET /categories': page([category]) } });
  expect(r.comp.querySelectorAll('.stat')).toHaveLength(1);
  expect(r.comp.querySelector('.table')).toBeFalsy();
  expect(r.text()).toContain('¥604,800.00');
  expect(r.text()).toContain('30,240 小时');
});
