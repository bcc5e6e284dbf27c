// Device codes from the API, the notification outbox, department blocks, subscribe prompts, category
// names in loan lists, the users' department picker and the business periods in Beijing time.
const { renderPage, tap, settle } = require('../helpers/render');
const { apiError } = require('../helpers/fake-api');
const { users, category, device, loan, page, departments } = require('../helpers/fixtures');

const CODE = 'wxfile://tmp/VENT-001-code.png';

describe('device codes (GET /devices/{id}/code)', () => {
  test('labels: one mini program code per device, downloaded with the token and Accept: image/png', async () => {
    const r = await renderPage('pages/labels/index', {
      user: users.manager,
      routes: {
        'GET /devices': page([device, { ...device, id: 'VENT-002', name: '呼吸机 02' }, { ...device, id: 'VENT-003', status: 'retired' }]),
        'GET /devices/VENT-001/code': CODE,
        'GET /devices/VENT-002/code': 'wxfile://tmp/VENT-002-code.png',
      },
    });
    await settle(10);
    const downloads = r.calls.filter((c) => c.download);
    expect(downloads.map((c) => c.path).sort()).toEqual(['/devices/VENT-001/code', '/devices/VENT-002/code']);
    downloads.forEach((c) => {
      expect(c.header.Authorization).toBe('Bearer token-demo-manager');
      expect(c.header.Accept).toBe('image/png');
    });
    expect(r.wx.request.mock.calls.some((c) => c[0].url.includes('/code'))).toBe(false);
    const labels = r.page.selectAllComponents('.cell').map((c) => c.data.src);
    expect(labels).toEqual([CODE, 'wxfile://tmp/VENT-002-code.png']);
    expect(r.comp.dom.querySelectorAll('wx-image')).toHaveLength(2);
    expect(r.text()).toContain('呼吸机 02');
    expect(r.text()).not.toContain('VENT-003');
  });

  test('labels: a code that cannot be made shows the API message; tapping retries', async () => {
    let fail = true;
    const r = await renderPage('pages/labels/index', {
      user: users.manager,
      routes: {
        'GET /devices': page([device]),
        'GET /devices/VENT-001/code': () => (fail ? apiError(502, 'wechat_failed', '微信服务暂不可用') : CODE),
      },
    });
    await settle(10);
    expect(r.text()).toContain('微信服务暂不可用，点此重试');
    expect(r.comp.dom.querySelector('wx-image')).toBeFalsy();
    fail = false;
    await r.page.selectComponent('.cell').onRetry();
    await settle(5);
    expect(r.text()).not.toContain('微信服务暂不可用');
    expect(r.page.selectComponent('.cell').data.src).toBe(CODE);
    expect(r.calls.filter((c) => c.download)).toHaveLength(2);
  });

  test('device page: managers see the code and can preview it; applicants never download it', async () => {
    const m = await renderPage('pages/device-detail/index', {
      user: users.manager, query: { id: 'VENT-001' },
      routes: { 'GET /devices/VENT-001': device, 'GET /devices/VENT-001/code': CODE, 'GET /categories': page([category]) },
    });
    await settle(10);
    expect(m.text()).toContain('设备码');
    expect(m.text()).toContain('有创呼吸机');
    const label = m.page.selectComponent('.device-code__label');
    expect(label.data.src).toBe(CODE);
    expect(m.comp.dom.querySelector('wx-image')).toBeTruthy();
    label.onPreview();
    expect(m.wx.previewImage).toHaveBeenCalledWith({ urls: [CODE], current: CODE });

    const n = await renderPage('pages/device-detail/index', { user: users.nurse, query: { id: 'VENT-001' }, routes: { 'GET /devices/VENT-001': device } });
    await settle(10);
    expect(n.text()).not.toContain('设备码');
    expect(n.calls.filter((c) => c.download)).toHaveLength(0);
  });

  test('device page: a refused code (403) shows the message in the code box, the page still works', async () => {
    const m = await renderPage('pages/device-detail/index', {
      user: users.manager, query: { id: 'VENT-001' },
      routes: { 'GET /devices/VENT-001': device, 'GET /devices/VENT-001/code': apiError(403, 'forbidden', '仅设备科可以生成设备码') },
    });
    await settle(10);
    expect(m.text()).toContain('仅设备科可以生成设备码');
    expect(m.text()).toContain('迈瑞 SV300');
  });
});

describe('notification outbox (listOutbox · retryNotification)', () => {
  const failed = {
    id: 'N1', event: 'loan_overdue', title: '借用已逾期', body: '有创呼吸机 VENT-001 已逾期', state: 'failed', openid: 'demo-nurse-icu',
    attempts: 5, last_error: '用户未订阅', loan_id: 'L-1', created_at: '2024-03-01T02:05:00Z',
  };

  test('lists failed pushes with the reason; the pending queue is one tap away', async () => {
    const r = await renderPage('pages/outbox/index', {
      user: users.manager,
      routes: {
        'GET /outbox': (c) => (c.query.queue === 'pending'
          ? page([{ ...failed, id: 'N2', state: 'pending', attempts: 1, last_error: 'system busy', queue_at: '2024-03-01T02:10:00Z' }])
          : page([failed])),
      },
    });
    expect(r.callsTo('GET /outbox')[0].query).toEqual({ queue: 'failed' });
    expect(r.text()).toContain('借用已逾期');
    expect(r.text()).toContain('原因：用户未订阅');
    expect(r.text()).toContain('已尝试 5 次');
    expect(r.text()).toContain('重新发送');
    await r.page.onQueue({ detail: { value: 'pending' } });
    expect(r.callsTo('GET /outbox')[1].query).toEqual({ queue: 'pending' });
    expect(r.text()).toContain('待发送');
    expect(r.text()).toContain('下次发送 2024-03-01 10:10');
    expect(r.comp.querySelector('.retry')).toBeFalsy();
  });

  test('retry sends the failed one again and shows what happened', async () => {
    let retried = false;
    const r = await renderPage('pages/outbox/index', {
      user: users.manager,
      routes: {
        'GET /outbox': () => page(retried ? [] : [failed]),
        'POST /outbox/N1/retry': () => { retried = true; return { ...failed, state: 'sent', attempts: 1, last_error: null }; },
      },
    });
    await tap(r.comp, '.retry');
    expect(r.callsTo('POST /outbox/N1/retry')).toHaveLength(1);
    expect(r.wx.showToast).toHaveBeenCalledWith({ title: '已重新发送', icon: 'success' });
    expect(r.text()).toContain('没有发送失败的消息');
  });

  test('retry answered "not subscribed" or refused: the reason is shown', async () => {
    const r = await renderPage('pages/outbox/index', {
      user: users.manager,
      routes: { 'GET /outbox': page([failed]), 'POST /outbox/N1/retry': { ...failed, state: 'not_subscribed', last_error: '用户未订阅' } },
    });
    await tap(r.comp, '.retry');
    expect(r.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '用户未订阅：用户未订阅', icon: 'none' }));

    const refused = await renderPage('pages/outbox/index', {
      user: users.manager,
      routes: { 'GET /outbox': page([failed]), 'POST /outbox/N1/retry': apiError(409, 'notification_not_failed', '通知当前状态为 sent，不能重发') },
    });
    await tap(refused.comp, '.retry');
    expect(refused.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '通知当前状态为 sent，不能重发' }));
  });

  test('opens the loan of a notification', async () => {
    const r = await renderPage('pages/outbox/index', { user: users.manager, routes: { 'GET /outbox': page([failed]) } });
    await tap(r.comp, '.open-loan');
    expect(r.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/loan-detail/index?id=L-1' });
  });
});

describe('department blocks (listBlocks · liftBlock)', () => {
  const blocked = { department_id: 'ICU', loan_ids: ['L-1', 'L-2'], lifted_loan_ids: [], blocked: true };

  test('shows blocked departments by name and lifts one after confirmation', async () => {
    let lifted = false;
    const r = await renderPage('pages/blocks/index', {
      user: users.manager,
      routes: {
        'GET /blocks': () => ({ enabled: true, hours: 48, items: [lifted ? { ...blocked, lifted_loan_ids: ['L-1', 'L-2'], blocked: false } : blocked] }),
        'POST /blocks/ICU/lift': () => { lifted = true; return { ...blocked, lifted_loan_ids: ['L-1', 'L-2'], blocked: false }; },
      },
    });
    expect(r.text()).toContain('逾期超过 48 小时');
    expect(r.text()).toContain('重症医学科');
    expect(r.text()).toContain('限制中');
    expect(r.text()).toContain('L-2');
    await tap(r.comp, '.lift');
    expect(r.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '解除逾期限制' }));
    expect(r.callsTo('POST /blocks/ICU/lift')).toHaveLength(1);
    expect(r.wx.showToast).toHaveBeenCalledWith({ title: '已解除限制', icon: 'success' });
    expect(r.text()).toContain('已解除');
    expect(r.comp.querySelector('.lift')).toBeFalsy();
  });

  test('cancelling the confirmation lifts nothing; a refusal is shown', async () => {
    const r = await renderPage('pages/blocks/index', {
      user: users.manager,
      routes: { 'GET /blocks': { enabled: true, hours: 48, items: [blocked] }, 'POST /blocks/ICU/lift': apiError(409, 'state_changed', '已被他人处理，请刷新后重试') },
    });
    r.wx.showModal.mockImplementationOnce(({ success }) => success({ confirm: false, cancel: true }));
    await tap(r.comp, '.lift');
    expect(r.callsTo('POST /blocks/ICU/lift')).toHaveLength(0);
    await tap(r.comp, '.lift');
    expect(r.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已被他人处理，请刷新后重试' }));
  });

  test('says when escalation is off', async () => {
    const r = await renderPage('pages/blocks/index', { user: users.manager, routes: { 'GET /blocks': { enabled: false, hours: 0, items: [] } } });
    expect(r.text()).toContain('逾期限制未开启');
  });

  test('opens a blocking loan', async () => {
    const r = await renderPage('pages/blocks/index', { user: users.manager, routes: { 'GET /blocks': { enabled: true, hours: 48, items: [blocked] } } });
    r.page.onOpenLoan({ currentTarget: { dataset: { id: 'L-2' } } });
    expect(r.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/loan-detail/index?id=L-2' });
  });
});

describe('subscribe prompts', () => {
  test('审批 tab: managers subscribe to the new-request reminder', async () => {
    const r = await renderPage('pages/apply/index', { user: users.manager, routes: { 'GET /loans': page([]) } });
    expect(r.text()).toContain('订阅新申请提醒');
    await r.page.selectComponent('#body').onSubscribe();
    expect(r.wx.requestSubscribeMessage).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['LOCAL_TEMPLATE_NEW_REQUEST'] }));
    expect(r.wx.showToast).toHaveBeenCalledWith({ title: '已订阅', icon: 'success' });
    expect(r.text()).toContain('已订阅下一条新申请的微信提醒');
  });

  test('审批 tab: a declined prompt says so and changes nothing', async () => {
    const r = await renderPage('pages/apply/index', { user: users.manager, routes: { 'GET /loans': page([]) } });
    r.wx.requestSubscribeMessage.mockImplementationOnce(({ tmplIds, success }) => success({ [tmplIds[0]]: 'reject' }));
    await r.page.selectComponent('#body').onSubscribe();
    expect(r.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '未订阅：新申请仍会显示在本页' }));
    expect(r.text()).not.toContain('已订阅下一条');
  });

  test('apply form: after sending, applicants are offered the result and the due-soon / overdue templates', async () => {
    const r = await renderPage('pages/apply-form/index', {
      user: users.nurse, query: { category_id: 'ventilator' },
      routes: { 'GET /categories': page([category]), 'POST /loans': { status: 201, body: loan({ id: 'L-8' }) } },
    });
    r.page.onReason({ detail: '术后监护' });
    await tap(r.comp, '#submit');
    expect(r.wx.requestSubscribeMessage).toHaveBeenCalledWith(expect.objectContaining({
      tmplIds: ['LOCAL_TEMPLATE_LOAN_RESULT', 'LOCAL_TEMPLATE_LOAN_OVERDUE'],
    }));
    expect(r.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '申请已提交', confirmText: '接收' }));
    expect(r.text()).toContain('到期、逾期');
    expect(r.callsTo('POST /loans')).toHaveLength(1);
  });
});

describe('category names in loan lists (GET /categories, cached for the session)', () => {
  test('loan cards show the category name; the list is read once for several loads', async () => {
    const r = await renderPage('pages/query/index', {
      user: users.nurse, routes: { 'GET /loans': page([loan()]), 'GET /categories': page([category]) },
    });
    expect(r.text()).toContain('有创呼吸机');
    expect(r.text()).not.toContain('ventilator');
    await r.page.selectComponent('#body').refresh();
    await r.page.selectComponent('#body').onFilter({ detail: { value: 'pending' } });
    expect(r.callsTo('GET /loans')).toHaveLength(3);
    expect(r.callsTo('GET /categories')).toHaveLength(1);
  });

  test('the manager queue and the loan page show it too', async () => {
    const q = await renderPage('pages/apply/index', { user: users.manager, routes: { 'GET /loans': page([loan()]), 'GET /categories': page([category]) } });
    expect(q.text()).toContain('有创呼吸机');
    const d = await renderPage('pages/loan-detail/index', { user: users.manager, query: { id: 'L-1' }, routes: { 'GET /loans/L-1': loan(), 'GET /categories': page([category]) } });
    expect(d.text()).toContain('有创呼吸机');
  });

  test('when categories cannot be read the list still shows, with ids, and the next load tries again', async () => {
    let up = false;
    const r = await renderPage('pages/query/index', {
      user: users.nurse, routes: { 'GET /loans': page([loan()]), 'GET /categories': () => (up ? page([category]) : apiError(503, 'unavailable', '忙')) },
    });
    expect(r.text()).toContain('ventilator');
    expect(r.text()).toContain('3床呼吸衰竭');
    up = true;
    await r.page.selectComponent('#body').refresh();
    expect(r.text()).toContain('有创呼吸机');
  });
});

describe('users: department picker', () => {
  const many = {
    items: departments.items.concat(Array.from({ length: 7 }, (_, i) => ({ id: `D${i}`, name: `科室${i}`, is_equipment_department: false }))),
    next_cursor: null,
  };

  test('offers every department (not only six) and saves the pick', async () => {
    const r = await renderPage('pages/users/index', {
      user: users.manager,
      routes: { 'GET /departments': many, 'GET /users': page([users.pending]), 'PUT /users/new-1': (c) => ({ ...users.pending, ...c.body }) },
    });
    const picker = r.comp.querySelector('.department-picker');
    expect(picker).toBeTruthy();
    expect(r.page.data.departments.map((d) => d.name)).toHaveLength(10);
    expect(r.page.data.items[0].departmentIndex).toBe(1); // EM
    await r.page.onDepartment({ currentTarget: { dataset: { openid: 'new-1' } }, detail: { value: '9' } });
    expect(r.callsTo('PUT /users/new-1')[0].body).toEqual({ department_id: 'D6' });
    expect(r.wx.showToast).toHaveBeenCalledWith({ title: '已改为科室6', icon: 'success' });
  });

  test('picking the current department changes nothing; a refusal is shown', async () => {
    const r = await renderPage('pages/users/index', {
      user: users.manager,
      routes: { 'GET /users': page([users.pending]), 'PUT /users/new-1': apiError(403, 'forbidden', '没有权限修改该用户') },
    });
    await r.page.onDepartment({ currentTarget: { dataset: { openid: 'new-1' } }, detail: { value: '1' } });
    expect(r.callsTo('PUT /users/new-1')).toHaveLength(0);
    await r.page.onDepartment({ currentTarget: { dataset: { openid: 'new-1' } }, detail: { value: '0' } });
    expect(r.callsTo('PUT /users/new-1')[0].body).toEqual({ department_id: 'ICU' });
    expect(r.wx.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '没有权限修改该用户' }));
  });
});

// Only Date is faked: promises and timers run as usual.
const at = (iso) => jest.useFakeTimers({ now: new Date(iso), doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'queueMicrotask'] });

describe('business periods are Beijing days and months (the API counts them so)', () => {
  afterEach(() => jest.useRealTimers());

  test.each([
    // 23:30 and 00:30 Beijing time around a month end and a year end
    ['2024-01-31T15:30:00Z', '2024-01-01', '2024-01-31', '2024-01'],
    ['2024-01-31T16:30:00Z', '2024-02-01', '2024-02-01', '2024-02'],
    ['2024-12-31T15:30:00Z', '2024-12-01', '2024-12-31', '2024-12'],
    ['2024-12-31T16:30:00Z', '2025-01-01', '2025-01-01', '2025-01'],
  ])('at %s: statistics from %s to %s, billing month %s, records of the day', async (now, from, to, month) => {
    at(now);
    const stats = await renderPage('pages/stats/index', { user: users.manager, routes: { 'GET /stats': { categories: [] } } });
    expect(stats.callsTo('GET /stats')[0].query).toEqual({ from, to });
    expect(stats.text()).toContain('按北京时间统计');
    const billing = await renderPage('pages/billing/index', { user: users.manager, routes: { 'GET /billing': { month, total_fen: 0, departments: [] } } });
    expect(billing.callsTo('GET /billing')[0].query).toEqual({ month });
    const records = await renderPage('pages/records/index', { user: users.manager, routes: { 'GET /records': page([]) } });
    expect(records.callsTo('GET /records')[0].query).toEqual({ day: to });
    expect(records.text()).toContain(to);
    [stats, billing, records].forEach((r) => expect(r.text()).not.toContain('UTC'));
  });

  test('a picked day is sent as it is (a Beijing day)', async () => {
    at('2024-03-10T02:00:00Z');
    const r = await renderPage('pages/stats/index', { user: users.manager, routes: { 'GET /stats': { categories: [] } } });
    await r.page.onFrom({ detail: { value: '2024-03-01' } });
    expect(r.callsTo('GET /stats')[1].query).toEqual({ from: '2024-03-01', to: '2024-03-10' });
  });

  test("one subject's records span every day", async () => {
    const r = await renderPage('pages/records/index', { user: users.manager, query: { subject: 'device#VENT-001' }, routes: { 'GET /records': page([]) } });
    expect(r.callsTo('GET /records')[0].query).toEqual({ subject: 'device#VENT-001' });
    expect(r.text()).toContain('全部');
  });
});
