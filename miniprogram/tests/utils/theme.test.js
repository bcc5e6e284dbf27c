// Vant used as designed (issue 14 item 4): no "style": "v2" (it gives every <button> a fixed 184 px width,
// pushing Vant buttons off-screen), Vant's theme set once to the app's blue, small buttons >= 44 px tall.
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '../..');
const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'));
const wxss = fs.readFileSync(path.join(ROOT, 'app.wxss'), 'utf8');
const variable = (name) => (wxss.match(new RegExp(`${name}:\\s*([^;]+);`)) || [])[1];
const px = (value) => (value.endsWith('rpx') ? parseFloat(value) / 2 : parseFloat(value));

test('app.json leaves "style": "v2" out, as Vant Weapp asks', () => {
  expect(app).not.toHaveProperty('style');
});

test("Vant's primary is the app's blue, the nav bar's colour", () => {
  expect(variable('--button-primary-background-color')).toBe(app.window.navigationBarBackgroundColor);
  expect(variable('--button-primary-border-color')).toBe('#1989fa');
});

test('small Vant buttons are at least 44 px touch targets', () => {
  expect(px(variable('--button-small-height'))).toBeGreaterThanOrEqual(44);
});

test('filter chips are at least 44 px tall', () => {
  const css = fs.readFileSync(path.join(ROOT, 'components/filter-bar/index.wxss'), 'utf8');
  const rule = css.match(/\.filter \{([^}]*)\}/)[1];
  const vertical = px(rule.match(/padding:\s*(\S+)/)[1]) * 2 + px(rule.match(/line-height:\s*(\S+);/)[1]);
  expect(vertical).toBeGreaterThanOrEqual(44);
});

test('the new tap targets are at least 44 px tall: urgency and reason chips, the board guide link, the privacy link', () => {
  const minHeight = (file, selector) => {
    const css = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const rules = [...css.matchAll(new RegExp(`${selector.replace('.', '\\.')} \\{([^}]*)\\}`, 'g'))].map((m) => m[1]).join(';');
    const value = (rules.match(/min-height:\s*([^;]+)/) || [])[1];
    return value ? px(value.trim()) : 0;
  };
  expect(minHeight('pages/apply-form/index.wxss', '.chip')).toBeGreaterThanOrEqual(44);
  expect(minHeight('components/availability-board/index.wxss', '.link')).toBeGreaterThanOrEqual(44);
  expect(minHeight('pages/register/index.wxss', '.privacy__link')).toBeGreaterThanOrEqual(44);
});

test('Vant widgets instead of hand-written ones: the tab bar, the 审批 tabs with badges, empty states, the timeline', () => {
  const using = (file) => Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')).usingComponents || {});
  expect(using('custom-tab-bar/index.json')).toEqual(expect.arrayContaining(['van-tabbar', 'van-tabbar-item']));
  expect(using('components/approval-queue/index.json')).toEqual(expect.arrayContaining(['van-tabs', 'van-tab']));
  expect(using('components/state-view/index.json')).toContain('van-empty');
  expect(using('components/loan-timeline/index.json')).toContain('van-steps');
  expect(fs.readFileSync(path.join(ROOT, 'components/approval-queue/index.wxml'), 'utf8')).toMatch(/<van-tab [^>]*info=/);
  expect(fs.readFileSync(path.join(ROOT, 'custom-tab-bar/index.wxml'), 'utf8')).toMatch(/<van-tabbar-item [^>]*info=/);
});
