/**
 * Renders every screen of tests/fixtures/screens.js with miniprogram-simulate (the real WXML and WXSS,
 * rpx converted at 375 px) to a standalone HTML file: WeChat's navigation bar, the page, the role's tab bar
 * on tab pages, and the last toast/modal the page showed. Run by scripts/screenshots/index.js through
 * jest (jest.config.js here), never by `npm test`.
 */
const fs = require('fs');
const path = require('path');
const simulate = require('miniprogram-simulate');
const { renderPage, settle, ROOT } = require('../../tests/helpers/render');
const { screens } = require('../../tests/fixtures/screens');

const OUT = process.env.SCREENSHOTS_HTML_DIR || path.resolve(ROOT, '../build/screenshots/html');
const APP = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
const BASE_CSS = fs.readFileSync(path.join(__dirname, 'wechat-base.css'), 'utf8');
const TAB_PAGES = new Set((APP.tabBar.list || []).map((t) => t.pagePath));
// WeChat's rpx: 750rpx is the screen width (375 px here). simulate's own conversion (1rpx = 1px) is replaced.
const rpx = (text) => text.replace(/(-?\d*\.?\d+)rpx/g, (all, n) => `${+(Number(n) / 2).toFixed(2)}px`);
require('miniprogram-simulate/src/utils').transformRpx = (style) => style;
const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));

function takeStyles() {
  const styles = [...document.querySelectorAll('head style')];
  const css = styles.map((s) => s.innerHTML).join('\n');
  styles.forEach((s) => s.remove());
  return css;
}

/** app.wxss applies to pages (prefix `main`, as simulate prefixes the page's classes); `page` is the page root. */
function appCss() {
  const { compile } = require('miniprogram-simulate/src/wxss');
  return (compile(fs.readFileSync(path.join(ROOT, 'app.wxss'), 'utf8'), { prefix: 'main' }));
}

const pageRoot = (css) => css.replace(/(^|[},\s])page(?=[\s{,.:[])/g, '$1main');

/** Inputs keep value / placeholder as properties: copy them to attributes for wechat-base.css to show. */
function reflectFields(root) {
  root.querySelectorAll('wx-input, wx-textarea').forEach((el) => {
    const node = el.__wxElement; // its template attributes are kept on the virtual tree node (j-component)
    const data = {};
    ((node && node._vt && node._vt.attrs) || []).forEach(({ name, value }) => { data[name] = value; });
    ['value', 'placeholder'].forEach((name) => {
      if (data[name] !== undefined && data[name] !== null && data[name] !== '') el.setAttribute(name, String(data[name]));
    });
    if (data.password && data.value) el.setAttribute('value', '•'.repeat(String(data.value).length));
  });
  return root;
}

async function renderTabBar(selected) {
  const id = simulate.load(path.join(ROOT, 'custom-tab-bar/index'), 'custom-tab-bar', { rootPath: ROOT });
  const comp = simulate.render(id);
  comp.attach(document.createElement('parent-wrapper'));
  comp.instance.refresh(`/${selected}`);
  // simulate keeps the tab bar's first definition (and the modules it required then): the badges are the page's
  const { badgeText } = require(path.join(ROOT, 'utils/badges'));

  comp.instance.setData({ tabs: comp.instance.data.tabs.map((t) => ({ ...t, badge: badgeText(t.pagePath) })) });
  await settle();
  return comp;
}

function overlay(wx) {
  const modal = wx.showModal.mock.calls.slice(-1)[0];
  const toast = wx.showToast.mock.calls.slice(-1)[0];
  if (modal) {
    const m = modal[0];
    return `<div class="sim-mask"></div><div class="sim-modal">${m.title ? `<div class="sim-modal__title">${escape(m.title)}</div>` : ''}`
      + `<div class="sim-modal__content">${escape(m.content || '')}</div><div class="sim-modal__buttons">`
      + `${m.showCancel === false ? '' : `<span>${escape(m.cancelText || '取消')}</span>`}<span class="sim-modal__confirm">${escape(m.confirmText || '确定')}</span></div></div>`;
  }
  if (toast && toast[0].icon !== 'success') return `<div class="sim-toast">${escape(toast[0].title)}</div>`;
  if (toast) return `<div class="sim-toast sim-toast--success">✓<br>${escape(toast[0].title)}</div>`;
  return '';
}

fs.mkdirSync(OUT, { recursive: true });

describe.each(screens().map((s) => [s.name, s]))('%s', (name, screen) => {
  test('renders', async () => {
    takeStyles();
    const r = await renderPage(screen.page, { user: screen.user, query: screen.query, routes: screen.routes });
    if (screen.act) { await screen.act(r); await settle(8); }
    const pageJson = JSON.parse(fs.readFileSync(path.join(ROOT, `${screen.page}.json`), 'utf8'));
    const title = r.wx.setNavigationBarTitle.mock.calls.length
      ? r.wx.setNavigationBarTitle.mock.calls.slice(-1)[0][0].title
      : (pageJson.navigationBarTitleText || APP.window.navigationBarTitleText);
    const pageCss = pageRoot(appCss() + takeStyles());
    let tabHtml = '';
    let tabCss = '';
    if (TAB_PAGES.has(screen.page.replace(/^\//, ''))) {
      tabHtml = (await renderTabBar(screen.page)).dom.outerHTML;
      tabCss = takeStyles();
    }
    const html = `<!doctype html><html class="${APP.style === 'v2' ? 'style-v2' : ''}"><head><meta charset="utf-8">
<style>${BASE_CSS}</style><style>${pageCss}</style><style>${tabCss}</style></head><body>
<div class="sim-navbar" style="background:${APP.window.navigationBarBackgroundColor}"><div class="sim-status">9:41</div><div class="sim-title">${escape(title)}</div><div class="sim-capsule">··· ◉</div></div>
<div class="sim-page${tabHtml ? ' sim-page--tab' : ''}">${reflectFields(r.comp.dom).outerHTML}</div>
${tabHtml ? `<div class="sim-tabbar">${tabHtml}</div>` : ''}${overlay(r.wx)}
</body></html>`;
    fs.writeFileSync(path.join(OUT, `${name}.html`), rpx(html));
    fs.writeFileSync(path.join(OUT, `${name}.json`), JSON.stringify({ name, page: screen.page, role: screen.user ? screen.user.role : 'guest', title }));
  });
});
