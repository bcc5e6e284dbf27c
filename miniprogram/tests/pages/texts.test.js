// Text a user reads (issue 14 item 11): one product name, no server variable names, no placeholder that
// contradicts the device asked for.
const fs = require('fs');
const path = require('path');
const { renderPage } = require('../helpers/render');
const { users } = require('../helpers/fixtures');

const ROOT = path.resolve(__dirname, '../..');
const PRODUCT = '医疗设备调配平台';

function shownFiles(dir, out = []) {
  fs.readdirSync(dir, { withFileTypes: true }).forEach((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) shownFiles(full, out);
    else if (/\.(wxml|json|js)$/.test(e.name)) out.push(full);
  });
  return out;
}

test('the nav bar and the launch screen use the one product name', () => {
  const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
  const launch = JSON.parse(fs.readFileSync(path.join(ROOT, 'pages/launch/index.json'), 'utf8'));
  expect(app.window.navigationBarTitleText).toBe(PRODUCT);
  expect(launch.navigationBarTitleText).toBe(PRODUCT);
  expect(fs.readFileSync(path.join(ROOT, 'pages/launch/index.wxml'), 'utf8')).toContain(PRODUCT);
});

test('no page or component shows a server variable name or the English working name', () => {
  const files = ['pages', 'components', 'custom-tab-bar'].flatMap((d) => shownFiles(path.join(ROOT, d)));
  const offending = files.filter((f) => {
    const text = fs.readFileSync(f, 'utf8').replace(/^\s*(\/\/|\*|\/\*).*$/gm, ''); // comments are not shown
    return /MEDPOOL_[A-Z_]+/.test(text) || /['"`>][^'"`<]*MedPool/.test(text);
  });
  expect(offending.map((f) => path.relative(ROOT, f))).toEqual([]);
});

test('逾期限制 off says so without naming the server setting', async () => {
  const r = await renderPage('pages/blocks/index', { user: users.manager, routes: { 'GET /blocks': { enabled: false, hours: 0, items: [] } } });
  expect(r.text()).toContain('逾期限制未开启');
  expect(r.text()).not.toMatch(/MEDPOOL|ESCALATION/);
});

test('the apply form placeholder does not contradict an invasive ventilator (no 无创)', () => {
  // (simulate keeps a field's placeholder as a property, not in the DOM: read the template)
  const wxml = fs.readFileSync(path.join(ROOT, 'pages/apply-form/index.wxml'), 'utf8');
  const placeholder = wxml.match(/id="reason"[^>]*placeholder="([^"]*)"/)[1];
  expect(placeholder).toContain('写明床号和病情');
  expect(placeholder).not.toContain('无创');
});

test('公告 tab: 我的消息 and 公告 are two headed sections', async () => {
  const { renderPage: render } = require('../helpers/render');
  const { page } = require('../helpers/fixtures');
  const r = await render('pages/announcements/index', {
    routes: {
      'GET /notifications': page([{ id: 'M1', title: '申请已批准', body: '已预留，请到设备调配中心领取', created_at: '2024-03-01T02:10:00Z' }]),
      'GET /announcements': page([{ id: 'A1', title: '呼吸机调配规则', body: '抢救优先', pinned: true, published_at: '2024-03-01T00:00:00Z' }]),
    },
  });
  const headings = r.comp.querySelectorAll('.heading').map((h) => h.dom.textContent);
  expect(headings).toEqual(['我的消息', '公告']);
});

test('no 申请方/管理方 jargon and one name for a return waiting to be confirmed', () => {
  const files = ['pages', 'components', 'utils'].flatMap((d) => shownFiles(path.join(ROOT, d)));
  const jargon = files.filter((f) => /申请方|管理方|归还中/.test(fs.readFileSync(f, 'utf8')));
  expect(jargon.map((f) => path.relative(ROOT, f))).toEqual([]);
  const { LOAN_STATUS, ROLE } = require('../../utils/labels');
  expect(LOAN_STATUS.return_requested).toBe('待确认归还');
  expect(ROLE).toEqual({ applicant: '科室人员', manager: '设备科人员', admin: '系统管理员' });
});
