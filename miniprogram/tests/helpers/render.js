/**
 * Load and render a page or component with miniprogram-simulate, with a fresh module registry, a fresh
 * fake `wx`, a signed-in user (or none) and a fake API; then run its page lifecycle (onLoad, onShow).
 */
const path = require('path');
const simulate = require('miniprogram-simulate');
const { createFakeWx } = require('./fake-wx');
const { installFakeApi } = require('./fake-api');
const fixtures = require('./fixtures');

const ROOT = path.resolve(__dirname, '../..');
const BASE_WX = global.wx;

function signIn(wx, user) {
  if (!user) return;
  wx.storage.set('medpool.session', { token: `token-${user.openid}`, expires_at: '2999-01-01T00:00:00Z', user });
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

async function settle(times = 5) {
  for (let i = 0; i < times; i += 1) await flush();
}

/**
 * options: query, user (default the ICU nurse; null for none), routes (fake API), wx (fake wx options),
 * lifecycle (default true).
 */
async function renderPage(pagePath, options = {}) {
  jest.resetModules();
  const wx = createFakeWx(BASE_WX, options.wx || {});
  global.wx = wx;
  const user = options.user === undefined ? fixtures.users.nurse : options.user;
  signIn(wx, user);
  const routes = { 'GET /departments': fixtures.departments, ...(options.routes || {}) };
  const calls = installFakeApi(wx, routes);
  const id = simulate.load(path.join(ROOT, pagePath), { rootPath: ROOT, compilerOptions: { maxBuffer: 64 * 1024 * 1024 } });
  const comp = simulate.render(id);
  comp.attach(document.createElement('parent-wrapper'));
  const page = comp.instance;
  if (options.lifecycle !== false) {
    if (typeof page.onLoad === 'function') await page.onLoad(options.query || {});
    if (typeof page.onShow === 'function') await page.onShow();
  }
  await settle();
  return {
    comp, page, wx, calls, routes,
    text: () => comp.dom.textContent.replace(/\s+/g, ' '),
    /** Requests made to one endpoint ('POST /loans/L-1/approve'). */
    callsTo: (key) => calls.filter((c) => `${c.method} ${c.path}` === key),
  };
}

/** Tap a native element or a Vant button (its inner <button>) found by selector. */
async function tap(comp, selector) {
  const el = comp.querySelector(selector);
  if (!el) throw new Error(`no element ${selector}`);
  const inner = el.querySelector && el.querySelector('.van-button');
  (inner || el).dispatchEvent('tap');
  await settle(8);
}

module.exports = { renderPage, tap, settle, ROOT };
