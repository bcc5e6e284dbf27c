/**
 * End-to-end: the mini program's own services/ against the real local API (chalice local on DynamoDB
 * Local, started by start-stack.js), as a new applicant and as the equipment department's manager.
 */
const { createNodeWx } = require('./node-wx');
const { readDeviceCode } = require('../../utils/device-code');

const API = process.env.MEDPOOL_E2E_API;
const OPERATIONS = (process.env.MEDPOOL_E2E_OPERATIONS || '').split(',').filter(Boolean);
const LOAN_OPERATIONS = ['createLoan', 'getLoan', 'approveLoan', 'handOverLoan', 'requestReturn', 'confirmReturn', 'listCategories', 'listDevices',
  'recordDisinfection'];
const MANAGER_OPERATIONS = ['getDeviceCode', 'listOutbox', 'retryNotification', 'listBlocks', 'liftBlock'];
const missingManager = MANAGER_OPERATIONS.filter((op) => !OPERATIONS.includes(op));
const managerTest = missingManager.length ? test.skip : test;
if (missingManager.length) {
  // eslint-disable-next-line no-console
  console.warn(`[e2e] SKIPPING device codes / outbox / blocks: the API's /openapi.json lacks ${missingManager.join(', ')}.`);
}
const missing = LOAN_OPERATIONS.filter((op) => !OPERATIONS.includes(op));
const loanTest = missing.length ? test.skip : test;
if (missing.length) {
  // eslint-disable-next-line no-console
  console.warn(`[e2e] SKIPPING the loan flow: the API's /openapi.json lacks ${missing.join(', ')} (loan endpoints not live yet).`);
}

/** One person on one phone: own wx (storage, login code) and own copy of the services. */
function actor(openid) {
  const wx = createNodeWx(openid);
  let services;
  global.wx = wx;
  jest.isolateModules(() => {
    const env = require('../../services/env');
    env.setBaseUrl(API);
    services = {
      env,
      session: require('../../services/session'),
      store: require('../../services/token-store'),
      auth: require('../../services/auth'),
      users: require('../../services/users'),
      categories: require('../../services/categories'),
      devices: require('../../services/devices'),
      loans: require('../../services/loans'),
      notifications: require('../../services/notifications'),
      blocks: require('../../services/blocks'),
    };
  });
  return {
    openid,
    services,
    /** Run `fn(services)` with this actor's wx as the global one. */
    async act(fn) {
      global.wx = wx;
      return fn(services);
    },
  };
}

const state = {};

describe(`e2e against the local API${missing.length ? ' (loan flow skipped: createLoan not live)' : ''}`, () => {
  beforeAll(() => {
    if (!API) throw new Error('MEDPOOL_E2E_API is not set: the e2e globalSetup did not run');
    state.manager = actor('demo-manager');
    state.nurse = actor(`e2e-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6)}`);
  });

  test('a new user registers, waits, and is approved by a manager', async () => {
    const { nurse, manager } = state;
    const first = await nurse.act(({ auth }) => auth.login());
    expect(first.state).toBe('registration_required');

    const registered = await nurse.act(({ auth }) => auth.register({
      name: '端到端护士长', department_id: 'ICU', phone: '13812345678', employee_no: `E2E-${Date.now()}`, role: 'applicant',
    }));
    expect(registered.state).toBe('pending');
    expect((await nurse.act(({ auth }) => auth.login())).state).toBe('pending');

    const pending = await manager.act(({ users }) => users.listUsers({ status: 'pending' }));
    expect(pending.items.map((u) => u.openid)).toContain(nurse.openid);
    const approved = await manager.act(({ users }) => users.updateUser(nurse.openid, { status: 'active' }));
    expect(approved.status).toBe('active');

    const me = await nurse.act(({ auth }) => auth.getMe());
    expect(me).toMatchObject({ openid: nurse.openid, status: 'active', department_id: 'ICU', role: 'applicant' });
  });

  test('an invalid token is renewed silently by logging in again', async () => {
    const { nurse } = state;
    await nurse.act(({ store }) => store.setSession({ token: 'not-a-token', expires_at: '2999-01-01T00:00:00Z', user: null }));
    const me = await nurse.act(({ auth }) => auth.getMe());
    expect(me.openid).toBe(nurse.openid);
    expect(await nurse.act(({ store }) => store.getToken())).not.toBe('not-a-token');
  });

  test('errors carry the API message', async () => {
    const { nurse } = state;
    await expect(nurse.act(({ users }) => users.listUsers())).rejects.toMatchObject({ status: 403 });
  });

  loanTest('apply, approve, hand over, request return, confirm return', async () => {
    const { nurse, manager } = state;
    const categories = await nurse.act((s) => s.categories.listCategories());
    const category = categories.items.find((c) => c.availability && c.availability.available > 0);
    expect(category).toBeTruthy();

    const key = 'e2e-' + Date.now();
    const body = {
      category_id: category.id, urgency: 'emergency', reason: '端到端测试：抢救', expected_return_at: new Date(Date.now() + 6 * 3600e3).toISOString(),
    };
    const loan = await nurse.act((s) => s.loans.createLoan(body, key));
    expect(loan.status).toBe('pending');
    const again = await nurse.act((s) => s.loans.createLoan(body, key));
    expect(again.id).toBe(loan.id);

    const queue = await manager.act((s) => s.loans.listLoans({ status: 'pending' }));
    expect(queue.items.map((l) => l.id)).toContain(loan.id);
    // names instead of openids: the manager sees who asked and the number to call back; the timeline by name
    const queued = queue.items.find((l) => l.id === loan.id);
    expect(queued.applicant_name).toBeTruthy();
    expect(queued.applicant_phone).toMatch(/^\d{11}$/);
    const pendingLoan = await manager.act((s) => s.loans.getLoan(loan.id));
    expect(pendingLoan.timeline[0]).toMatchObject({ action: 'loan.create', actor_name: queued.applicant_name });
    const free = await manager.act((s) => s.devices.listDevices({ category_id: category.id, status: 'available' }));
    const device = free.items[0];
    const approved = await manager.act((s) => s.loans.approveLoan(loan.id, device.id));
    expect(approved).toMatchObject({ status: 'approved', device_id: device.id });

    // Hand-over needs the scene of the device's label (asset tag + label secret): the asset tag alone, which the
    // loan shows, is refused to the ward; a manager may type it (recorded as manual).
    const scanned = readDeviceCode({ result: '', path: `pages/device-detail/index?scene=${encodeURIComponent(`${approved.device_id}.NotTheSecret`)}` });
    expect(scanned.deviceId).toBe(device.id);
    await expect(nurse.act((s) => s.loans.handOverLoan(loan.id, 'NO-SUCH-DEVICE.x1'))).rejects.toMatchObject({ status: 422, code: 'wrong_device' });
    await expect(nurse.act((s) => s.loans.handOverLoan(loan.id, scanned.scene))).rejects.toMatchObject({ status: 422, code: 'invalid_scan' });
    await expect(nurse.act((s) => s.loans.handOverLoan(loan.id))).rejects.toMatchObject({ status: 422, code: 'scan_required' });
    await expect(nurse.act((s) => s.loans.handOverByAssetTag(loan.id, device.id))).rejects.toMatchObject({ status: 403, code: 'scan_required' });
    const handedOver = await manager.act((s) => s.loans.handOverByAssetTag(loan.id, device.id));
    expect(handedOver.status).toBe('in_use');
    const onLoan = await manager.act((s) => s.devices.getDevice(device.id));
    expect(onLoan.status).toBe('on_loan');

    const returning = await nurse.act((s) => s.loans.requestReturn(loan.id));
    expect(returning.status).toBe('return_requested');
    const returned = await manager.act((s) => s.loans.confirmReturn(loan.id, { condition: 'ok', note: '端到端归还', deviceId: device.id }));
    expect(returned.status).toBe('returned');

    const detail = await nurse.act((s) => s.loans.getLoan(loan.id));
    expect(detail.status).toBe('returned');
    expect(Array.isArray(detail.timeline)).toBe(true);
    expect(detail.timeline.length).toBeGreaterThanOrEqual(5);
    const waiting = await manager.act((s) => s.devices.getDevice(device.id));
    expect(waiting.status).toBe('cleaning'); // 待消毒 until a clerk records the disinfection
    const listed = await manager.act((s) => s.devices.listCleaning());
    expect(listed.items.map((d) => d.id)).toContain(device.id);
    const cleaned = await manager.act((s) => s.devices.recordDisinfection(device.id, { device_id: device.id }, { method: 'chlorine_wipe' }));
    expect(cleaned.status).toBe('available');
    const back = await manager.act((s) => s.devices.getDevice(device.id));
    expect(back.status).toBe('available');
  });

  managerTest('a manager downloads a device code (PNG), reads the outbox and the blocks; an applicant may not', async () => {
    const fs = require('fs');
    const { nurse, manager } = state;
    const devices = await manager.act((s) => s.devices.listDevices({ limit: 1 }));
    const device = devices.items[0];
    const file = await manager.act((s) => s.devices.getDeviceCode(device.id));
    const png = fs.readFileSync(file);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');

    await expect(manager.act((s) => s.devices.getDeviceCode('NO-SUCH-DEVICE'))).rejects.toMatchObject({ status: 404 });
    await expect(nurse.act((s) => s.devices.getDeviceCode(device.id))).rejects.toMatchObject({ status: 403 });

    const failed = await manager.act((s) => s.notifications.listOutbox({ queue: 'failed' }));
    expect(Array.isArray(failed.items)).toBe(true);
    const pending = await manager.act((s) => s.notifications.listOutbox({ queue: 'pending' }));
    expect(Array.isArray(pending.items)).toBe(true);
    await expect(manager.act((s) => s.notifications.retryNotification('NO-SUCH-NOTICE'))).rejects.toMatchObject({ status: 404 });

    const blocks = await manager.act((s) => s.blocks.listBlocks());
    expect(blocks).toMatchObject({ enabled: expect.any(Boolean), items: expect.any(Array) });
    await expect(nurse.act((s) => s.blocks.listBlocks())).rejects.toMatchObject({ status: 403 });
  });
});
