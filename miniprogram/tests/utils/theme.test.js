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
