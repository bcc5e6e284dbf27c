// Release readiness (issue 14 items 11-12, issue 16 part 4): one per-version config, loud when unfilled; the privacy
// notice at registration and the 用户隐私保护指引 page; a file shared from a tap.
const fs = require('fs');
const path = require('path');
const { renderPage, tap, ROOT } = require('../helpers/render');
const { users, departments } = require('../helpers/fixtures');


/** Load services with a fresh `wx` for one mini program version (config/index.js as it is, or `config` instead). */
function services(envVersion, { config, appId } = {}) {
  jest.resetModules();
  if (config) jest.doMock('../../config/index', () => config);
  else jest.dontMock('../../config/index');
  const { createFakeWx } = require('../helpers/fake-wx');
  const { installFakeApi } = require('../helpers/fake-api');
  const wx = createFakeWx({});
  global.wx = wx;
  wx.getAccountInfoSync.mockReturnValue({ miniProgram: { envVersion, appId } });
  const calls = installFakeApi(wx, { 'POST /auth/login': { state: 'registration_required', registration_token: 'R' } });
  return { wx, calls, env: require('../../services/env'), subscribe: require('../../services/subscribe'), auth: require('../../services/auth') };
}

afterEach(() => jest.dontMock('../../config/index'));

test('one config file: develop is usable; every trial / release value is a named FILL_IN placeholder, never an empty string', () => {
  const config = require('../../config/index');
  expect(Object.keys(config.environments)).toEqual(['develop', 'trial', 'release']);
  const values = (o) => Object.values(o).flatMap((v) => (typeof v === 'object' ? values(v) : [v]));
  values(config.environments).forEach((v) => expect(typeof v === 'string' && v.trim().length).toBeTruthy());
  ['trial', 'release'].forEach((name) => values(config.environments[name]).forEach((v) => expect(v).toMatch(new RegExp(`^FILL_IN:${name}\\.`))));
  const { env } = services('develop');
  expect(env.configProblem()).toBe('');
  expect(env.baseUrl()).toBe('http://127.0.0.1:8000');
});

test('a release with placeholders fails loudly: no call to the API, no placeholder sent to WeChat', async () => {
  const { wx, calls, env, subscribe, auth } = services('release');
  expect(env.missingSettings()).toEqual(['apiBaseUrl', 'appid', 'subscribeTemplateIds']);
  expect(env.configProblem()).toBe('正式版未完成发布配置（缺少：服务器地址、AppID、订阅消息模板），请联系管理员');
  await expect(auth.getMe()).rejects.toMatchObject({ code: 'not_configured', message: env.configProblem() });
  expect(calls).toHaveLength(0);
  await expect(subscribe.askForLoanUpdates()).resolves.toEqual({ asked: [], accepted: [] });
  expect(wx.requestSubscribeMessage).not.toHaveBeenCalled();
});

test('the launch page of an unfilled trial version says what is missing and does not log in', async () => {
  const r = await renderPage('pages/launch/index', { user: null, lifecycle: false });
  r.wx.getAccountInfoSync.mockReturnValue({ miniProgram: { envVersion: 'trial' } });
  await r.page.onLoad({});
  expect(r.page.data.error).toBe('体验版未完成发布配置（缺少：服务器地址、AppID、订阅消息模板），请联系管理员');
  expect(r.wx.login).not.toHaveBeenCalled();
  expect(r.calls).toHaveLength(0);
});

test('a filled release config is used: its URL, its template ids; a different appid is refused', async () => {
  const filled = {
    ...jest.requireActual('../../config/index'),
    environments: {
      develop: jest.requireActual('../../config/index').environments.develop,
      release: { apiBaseUrl: 'https://api.example.cn/', appid: 'wx1234567890abcdef', subscribeTemplateIds: { loanResult: 'T1', loanDue: 'T2', newRequest: 'T3' } },
    },
  };
  const ok = services('release', { config: filled, appId: 'wx1234567890abcdef' });
  expect(ok.env.configProblem()).toBe('');
  expect(ok.env.baseUrl()).toBe('https://api.example.cn');
  await ok.subscribe.askForLoanUpdates();
  expect(ok.wx.requestSubscribeMessage).toHaveBeenCalledWith(expect.objectContaining({ tmplIds: ['T1', 'T2'] }));
  const other = services('release', { config: filled, appId: 'wxOTHER' });
  expect(other.env.configProblem()).toBe('正式版配置的 AppID 与当前小程序不一致，请联系管理员');
});

test('registration states what is collected and why, and links to the 用户隐私保护指引', async () => {
  const r = await renderPage('pages/register/index', { user: null, routes: { 'GET /departments': departments } });
  const notice = r.comp.querySelector('#privacy-notice').dom.textContent;
  ['姓名', '手机号', '工号', '科室', '联系', '提醒', '仅设备科人员和您本人可见'].forEach((word) => expect(notice).toContain(word));
  await tap(r.comp, '#privacy-link');
  expect(r.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/privacy/index' });
});

test('the privacy guide page shows GET /privacy-guide (public: no token sent)', async () => {
  const guide = {
    version: '2026-12-01', updated_at: '2026-12-01T02:00:00Z', summary: '我们只收集姓名、手机号、工号和科室。',
    text: '一、我们收集的信息\n姓名、手机号、工号、科室。\n二、用途\n核实身份、联系与通知、审计。',
  };
  const r = await renderPage('pages/privacy/index', { user: users.nurse, routes: { 'GET /privacy-guide': guide } });
  const [call] = r.callsTo('GET /privacy-guide');
  expect(call.header.Authorization).toBeUndefined();
  expect(r.text()).toContain('版本 2026-12-01 · 更新于 2026-12-01 10:00');
  expect(r.text()).toContain('我们只收集姓名、手机号、工号和科室。');
  expect(r.text()).toContain('二、用途');
  const failed = await renderPage('pages/privacy/index', { user: null, routes: { 'GET /privacy-guide': { status: 503, body: { error: { code: 'unavailable', message: '服务暂不可用' } } } } });
  expect(failed.text()).toContain('服务暂不可用');
  const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
  expect(app.pages).toContain('pages/privacy/index');
});

test('billing: the CSV is shared to a chat from its own tap; a failure says what to do', async () => {
  const r = await renderPage('pages/billing/index', { user: users.manager, routes: { 'GET /billing': { month: '2024-03', total_fen: 0, departments: [] } } });
  r.wx.downloadFile.mockImplementation((o) => o.success({ statusCode: 200, tempFilePath: '/tmp/bill.csv' }));
  await tap(r.comp, '#export-csv');
  expect(r.wx.shareFileMessage).not.toHaveBeenCalled(); // not after an await: WeChat wants a tap
  const month = r.page.data.month;
  expect(r.text()).toContain(`已下载：设备调配计费-${month}.csv`);
  r.wx.shareFileMessage.mockImplementationOnce(({ fail }) => fail({ errMsg: 'shareFileMessage:fail no permission' }));
  await tap(r.comp, '#share-file');
  expect(r.wx.shareFileMessage).toHaveBeenCalledWith(expect.objectContaining({ filePath: '/tmp/bill.csv', fileName: `设备调配计费-${month}.csv` }));
  expect(r.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: expect.stringContaining('分享失败') }));
  r.wx.shareFileMessage.mockImplementationOnce(({ fail }) => fail({ errMsg: 'shareFileMessage:fail cancel' }));
  await tap(r.comp, '#share-file');
  expect(r.wx.showModal).toHaveBeenCalledTimes(1); // the user's own cancel is no failure
});
