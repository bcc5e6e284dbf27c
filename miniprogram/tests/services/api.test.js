// The API client: base URL, bearer token, silent re-login on 401, error messages, Idempotency-Key.
const path = require('path');
const { createFakeWx } = require('../helpers/fake-wx');
const { installFakeApi, apiError } = require('../helpers/fake-api');
const { users, page } = require('../helpers/fixtures');

function setup(routes, { session } = {}) {
  jest.resetModules();
  const wx = createFakeWx({}, { openid: 'demo-nurse-icu' });
  global.wx = wx;
  if (session) wx.storage.set('medpool.session', session);
  const calls = installFakeApi(wx, routes);
  const load = (name) => require(path.join('../../services', name));
  return { wx, calls, load };
}

const activeLogin = (token = 'FRESH') => ({ state: 'active', token, expires_at: '2999-01-01T00:00:00Z', user: users.nurse });

describe('services/api', () => {
  test('uses the local base URL by default and sends the stored bearer token', async () => {
    const { calls, load } = setup({ 'GET /me': users.nurse }, { session: { token: 'T0', expires_at: '2999-01-01T00:00:00Z', user: users.nurse } });
    await load('auth').getMe();
    expect(calls[0].header.Authorization).toBe('Bearer T0');
    expect(calls[0].header['Content-Type']).toBe('application/json');
    expect(calls[0]).toMatchObject({ method: 'GET', path: '/me' });
    expect(global.wx.request.mock.calls[0][0].url).toBe('http://127.0.0.1:8000/me');
  });

  test('logs in silently when there is no token', async () => {
    const { calls, load } = setup({ 'POST /auth/login': activeLogin(), 'GET /me': users.nurse });
    await load('auth').getMe();
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /auth/login', 'GET /me']);
    expect(calls[0].body).toEqual({ code: 'test:demo-nurse-icu' });
    expect(calls[1].header.Authorization).toBe('Bearer FRESH');
  });

  test('renews an expired token once on 401 and retries the call', async () => {
    const { calls, load, wx } = setup({
      'POST /auth/login': activeLogin('NEW'),
      'GET /loans': (c) => (c.header.Authorization === 'Bearer NEW' ? page([]) : apiError(401, 'invalid_token', '登录凭证无效，请重新登录')),
    }, { session: { token: 'OLD', expires_at: '2999-01-01T00:00:00Z', user: users.nurse } });
    await expect(load('loans').listLoans({ status: 'pending' })).resolves.toEqual(page([]));
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /loans', 'POST /auth/login', 'GET /loans']);
    expect(calls[2].query).toEqual({ status: 'pending' });
    expect(wx.storage.get('medpool.session').token).toBe('NEW');
  });

  test('a user who is no longer active is sent back to the launch page', async () => {
    const { load, wx } = setup({
      'POST /auth/login': { state: 'disabled', message: '账号已停用' },
      'GET /me': apiError(401, 'invalid_token', '登录凭证无效'),
    }, { session: { token: 'OLD', expires_at: '2999-01-01T00:00:00Z', user: users.nurse } });
    await expect(load('auth').getMe()).rejects.toMatchObject({ status: 401, message: '账号已停用' });
    expect(wx.reLaunch).toHaveBeenCalledWith({ url: '/pages/launch/index' });
  });

  test('errors carry error.message from the API body', async () => {
    const { load } = setup({ 'POST /loans/L-1/approve': apiError(409, 'device_unavailable', '设备已被占用，请选择其他设备') },
      { session: { token: 'T', expires_at: '2999-01-01T00:00:00Z', user: users.manager } });
    await expect(load('loans').approveLoan('L-1', 'VENT-001')).rejects.toMatchObject({
      status: 409, code: 'device_unavailable', message: '设备已被占用，请选择其他设备',
    });
  });

  test('network failures become a Chinese message', async () => {
    const { load, wx } = setup({}, { session: { token: 'T', expires_at: '2999-01-01T00:00:00Z', user: users.nurse } });
    wx.request.mockImplementation((o) => o.fail({ errMsg: 'request:fail timeout' }));
    await expect(load('auth').getMe()).rejects.toMatchObject({ status: 0, code: 'network_error', message: '网络异常，请检查网络后重试' });
  });

  test('createLoan sends an Idempotency-Key, the same one when retried with it', async () => {
    const { calls, load } = setup({ 'POST /loans': { id: 'L-9', status: 'pending' } },
      { session: { token: 'T', expires_at: '2999-01-01T00:00:00Z', user: users.nurse } });
    const loans = load('loans');
    await loans.createLoan({ category_id: 'ventilator' });
    await loans.createLoan({ category_id: 'ventilator' }, 'K-1');
    await loans.createLoan({ category_id: 'ventilator' }, 'K-1');
    const keys = calls.map((c) => c.header['Idempotency-Key']);
    expect(keys[0]).toMatch(/^[0-9a-z]+-[0-9a-f]{24}$/);
    expect(keys.slice(1)).toEqual(['K-1', 'K-1']);
  });

  test('loan actions hit the contract paths with their bodies', async () => {
    const { calls, load } = setup({}, { session: { token: 'T', expires_at: '2999-01-01T00:00:00Z', user: users.manager } });
    const loans = load('loans');
    const ok = () => Promise.resolve();
    await Promise.all([
      loans.cancelLoan('L-1').catch(ok), loans.approveLoan('L-1', 'D-1').catch(ok), loans.rejectLoan('L-1', '无可用设备').catch(ok),
      loans.handOverLoan('L-1', 'VENT-001.Ab3dE6gH9k').catch(ok), loans.handOverByAssetTag('L-1', 'VENT-001').catch(ok),
      loans.requestReturn('L-1').catch(ok), loans.confirmReturn('L-1', { condition: 'damaged', note: '屏幕裂', scene: 'VENT-001.Ab3dE6gH9k' }).catch(ok),
      loans.confirmReturn('L-1', { condition: 'ok', note: '', deviceId: 'VENT-001' }).catch(ok),
      loans.extendLoan('L-1', '2026-11-28T08:00:00Z', '患者仍需使用').catch(ok),
    ]);
    expect(calls.map((c) => [c.path, c.body])).toEqual([
      ['/loans/L-1/cancel', {}], ['/loans/L-1/approve', { device_id: 'D-1' }], ['/loans/L-1/reject', { reason: '无可用设备' }],
      ['/loans/L-1/handover', { scan: 'VENT-001.Ab3dE6gH9k' }], ['/loans/L-1/handover', { device_id: 'VENT-001' }],
      ['/loans/L-1/return-request', {}], ['/loans/L-1/confirm-return', { condition: 'damaged', note: '屏幕裂', scan: 'VENT-001.Ab3dE6gH9k' }],
      ['/loans/L-1/confirm-return', { condition: 'ok', device_id: 'VENT-001' }],
      ['/loans/L-1/extend', { expected_return_at: '2026-11-28T08:00:00Z', reason: '患者仍需使用' }],
    ]);
  });

  test('the prod environment without a configured URL refuses clearly', async () => {
    const { load, wx } = setup({});
    wx.getAccountInfoSync.mockReturnValue({ miniProgram: { envVersion: 'release' } });
    await expect(load('auth').getMe()).rejects.toMatchObject({ code: 'not_configured' });
  });

  test('register uses the registration token from login and leaves the user pending', async () => {
    const { calls, load } = setup({
      'POST /auth/login': { state: 'registration_required', registration_required: true, registration_token: 'REG' },
      'POST /auth/register': { status: 201, body: { ...users.pending } },
    });
    const out = await load('auth').register({ name: '王主任', department_id: 'EM', phone: '13700000000', employee_no: 'E-9', role: 'applicant' });
    expect(out.state).toBe('pending');
    expect(calls[1].body).toMatchObject({ registration_token: 'REG', department_id: 'EM' });
    expect(calls[1].header.Authorization).toBeUndefined();
  });
});

describe('services: downloads, device codes, outbox, blocks, category names', () => {
  const manager = { session: { token: 'T', expires_at: '2999-01-01T00:00:00Z', user: users.manager } };

  test('getDeviceCode downloads the PNG with the bearer token and Accept: image/png, once per session', async () => {
    const { calls, load, wx } = setup({ 'GET /devices/VENT%201/code': 'wxfile://tmp/v1.png' }, manager);
    const devices = load('devices');
    await expect(devices.getDeviceCode('VENT 1')).resolves.toBe('wxfile://tmp/v1.png');
    await expect(devices.getDeviceCode('VENT 1')).resolves.toBe('wxfile://tmp/v1.png');
    expect(calls).toHaveLength(1);
    expect(calls[0].header).toEqual({ Accept: 'image/png', Authorization: 'Bearer T' });
    expect(wx.request).not.toHaveBeenCalled();
  });

  test('rotateDeviceCode reprints the label: POST .../code/rotate, then the next getDeviceCode downloads the new code', async () => {
    const { calls, load } = setup({
      'GET /devices/VENT-001/code': 'wxfile://tmp/v1.png',
      'POST /devices/VENT-001/code/rotate': { id: 'VENT-001', label_issued_at: '2026-12-01T08:00:00Z' },
    }, manager);
    const devices = load('devices');
    await devices.getDeviceCode('VENT-001');
    await devices.getDeviceCode('VENT-001');
    await expect(devices.rotateDeviceCode('VENT-001')).resolves.toMatchObject({ label_issued_at: '2026-12-01T08:00:00Z' });
    await devices.getDeviceCode('VENT-001');
    expect(calls.map((c) => `${c.method || 'GET'} ${c.path}`)).toEqual([
      'GET /devices/VENT-001/code', 'POST /devices/VENT-001/code/rotate', 'GET /devices/VENT-001/code',
    ]);
  });

  test('getDeviceCode runs at most 4 downloads at once; a failed one is tried again next time', async () => {
    const { load, wx } = setup({}, manager);
    let running = 0;
    let peak = 0;
    let failFirst = true;
    wx.downloadFile.mockImplementation((o) => {
      running += 1;
      peak = Math.max(peak, running);
      setTimeout(() => {
        running -= 1;
        if (o.url.endsWith('/D0/code') && failFirst) {
          failFirst = false;
          o.fail({ errMsg: 'downloadFile:fail timeout' });
        } else {
          o.success({ statusCode: 200, tempFilePath: `wxfile://${o.url.split('/').slice(-2)[0]}.png` });
        }
      }, 5);
    });
    const devices = load('devices');
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => devices.getDeviceCode(`D${i}`)));
    expect(peak).toBe(4);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: { code: 'network_error' } });
    expect(results.slice(1).every((r) => r.status === 'fulfilled')).toBe(true);
    await expect(devices.getDeviceCode('D0')).resolves.toBe('wxfile://D0.png');
  });

  test('a download answered 401 logs in again once; an error answer carries the API message', async () => {
    const { calls, load } = setup({
      'POST /auth/login': { state: 'active', token: 'NEW', expires_at: '2999-01-01T00:00:00Z', user: users.manager },
      'GET /devices/VENT-001/code': (c) => (c.header.Authorization === 'Bearer NEW' ? 'wxfile://ok.png' : apiError(401, 'invalid_token', '登录凭证无效')),
      'GET /devices/BAD/code': apiError(404, 'device_not_found', '设备不存在'),
    }, manager);
    const devices = load('devices');
    await expect(devices.getDeviceCode('VENT-001')).resolves.toBe('wxfile://ok.png');
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /devices/VENT-001/code', 'POST /auth/login', 'GET /devices/VENT-001/code']);
    await expect(devices.getDeviceCode('BAD')).rejects.toMatchObject({ status: 404, code: 'device_not_found', message: '设备不存在' });
  });

  test('outbox and blocks hit their contract paths', async () => {
    const { calls, load } = setup({}, manager);
    const ok = () => Promise.resolve();
    await load('notifications').listOutbox({ queue: 'pending' }).catch(ok);
    await load('notifications').retryNotification('N1').catch(ok);
    await load('blocks').listBlocks().catch(ok);
    await load('blocks').liftBlock('ICU').catch(ok);
    expect(calls.map((c) => [c.method, c.path, c.query])).toEqual([
      ['GET', '/outbox', { queue: 'pending' }], ['POST', '/outbox/N1/retry', {}], ['GET', '/blocks', {}], ['POST', '/blocks/ICU/lift', {}],
    ]);
  });

  test('categoryNames is read once per session; editing a category forgets it', async () => {
    const { calls, load } = setup({
      'GET /categories': page([{ id: 'ventilator', name: '有创呼吸机' }]),
      'PUT /categories/ventilator': { id: 'ventilator', name: '呼吸机' },
    }, manager);
    const categories = load('categories');
    const [a, b] = await Promise.all([categories.categoryNames(), categories.categoryNames()]);
    expect(a).toEqual({ ventilator: '有创呼吸机' });
    expect(b).toBe(a);
    await categories.categoryNames();
    expect(calls.filter((c) => c.path === '/categories')).toHaveLength(1);
    await categories.updateCategory('ventilator', { name: '呼吸机' });
    await categories.categoryNames();
    expect(calls.filter((c) => c.method === 'GET' && c.path === '/categories')).toHaveLength(2);
  });
});
