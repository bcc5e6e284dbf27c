// pages/stats: the purchase-decision report (one sentence per category, the heat map) beside the statistics,
// and the charts drawn by uCharts on canvas 2d.
const { renderPage } = require('../helpers/render');
const { apiError } = require('../helpers/fake-api');
const { users, category, page } = require('../helpers/fixtures');
const { columnOptions, heatRows, draw } = require('../../pages/stats/charts');

const STATS = { categories: [{ category_id: 'ventilator', name: '有创呼吸机', loans: 12, device_hours: 300, utilization: 0.42, damage_rate: 0, overdue_rate: 0.1, revenue_fen: 450000, benefit_rate: 0.12 }] };
const grid = Array.from({ length: 7 }, (_, day) => Array.from({ length: 24 }, (__, hour) => (day === 0 && hour === 9 ? 2 : day === 0 && hour === 10 ? 1 : 0)));
const wait = { count: 0, median_minutes: null, p90_minutes: null };
const PURCHASE = {
  from: '2024-03-01', to: '2024-03-10', categories: [{
    category_id: 'ventilator', name: '有创呼吸机', current_devices: 6, requests: 20, queued_requests: 3, peak_in_use: 6,
    peak_at: '2024-03-02T01:00:00Z', hours_none_available: 12.5, cancelled_while_waiting: 1, heatmap: grid,
    waits: { emergency: wait, urgent: wait, routine: wait, total: { count: 3, median_minutes: 95, p90_minutes: 160 }, still_waiting: 0 },
    recommendation: { devices: 8, options: [] }, load: { devices: 5 },
    sentence: '有创呼吸机：建议 8 台（现有 6 台）——按本期实际申请回放……',
  }],
};

test('the recommendation in one sentence per category, and its facts', async () => {
  const r = await renderPage('pages/stats/index', { user: users.manager, routes: { 'GET /stats': STATS, 'GET /stats/purchase': PURCHASE, 'GET /categories': page([category]) } });
  expect(r.text()).toContain('有创呼吸机：建议 8 台（现有 6 台）');
  expect(r.text()).toContain('高峰同时在用 6 台 · 无可用设备 12.5 小时 · 排队 3 次 · 等待中取消 1 次');
  const [call] = r.callsTo('GET /stats/purchase');
  expect(call.query).toEqual(r.callsTo('GET /stats')[0].query);
  // the heat map: 7 weekdays x 24 hours, the busiest hour darkest
  expect(r.comp.querySelectorAll('.heat__cell')).toHaveLength(7 * 24);
  expect(r.comp.querySelectorAll('.chart')).toHaveLength(2);
  expect(r.comp.querySelector('bar-chart')).toBeFalsy();
});

test('a failing purchase report leaves the statistics shown, with its own error', async () => {
  const r = await renderPage('pages/stats/index', { user: users.manager, routes: { 'GET /stats': STATS, 'GET /stats/purchase': apiError(503, 'unavailable', '服务暂不可用，请稍后再试'), 'GET /categories': page([category]) } });
  expect(r.comp.querySelectorAll('.stat')).toHaveLength(1);
  expect(r.text()).toContain('服务暂不可用，请稍后再试');
});

test('heat map colours follow the values, weekdays from Monday', () => {
  const rows = heatRows(grid);
  expect(rows.map((row) => row.day)).toEqual(['一', '二', '三', '四', '五', '六', '日']);
  expect(rows[0].cells[9].color).toBe('rgba(25, 137, 250, 1.00)');
  expect(rows[0].cells[10].color).toBe('rgba(25, 137, 250, 0.54)');
  expect(rows[3].cells[0].color).toBe('rgba(25, 137, 250, 0.08)');
  expect(heatRows(Array.from({ length: 7 }, () => Array(24).fill(0)))[0].cells[0].color).toBe('rgba(25, 137, 250, 0.04)');
});

test('a column chart is drawn by uCharts on the canvas node at the device pixel ratio', async () => {
  const drawn = [];
  class FakeUCharts { constructor(options) { drawn.push(options); } }
  const context = { fake: '2d' };
  const node = { getContext: (kind) => (kind === '2d' ? context : null) };
  const component = { createSelectorQuery: () => ({ select: (selector) => ({ fields: () => ({ exec: (cb) => cb(selector === '#loans' ? [{ node, width: 300, height: 200 }] : [null]) }) }) }) };
  global.wx.getWindowInfo = () => ({ pixelRatio: 2 });
  const chart = await draw(component, 'loans', columnOptions({ categories: ['有创呼吸机'], name: '借用次数', data: [12] }), FakeUCharts);
  expect(chart).toBeInstanceOf(FakeUCharts);
  expect(drawn[0]).toMatchObject({ type: 'column', context, width: 600, height: 400, pixelRatio: 2, categories: ['有创呼吸机'], series: [{ name: '借用次数', data: [12] }] });
  expect(node.width).toBe(600);
  expect(await draw(component, 'missing', columnOptions({ categories: [], name: 'x', data: [] }), FakeUCharts)).toBeNull();
});

test('the uCharts build loads as CommonJS, in the statistics subpackage (npm run build:npm writes it)', () => {
  const fs = require('fs');
  const path = require('path');
  const built = path.join(__dirname, '../../pages/stats/ucharts.js');
  expect(fs.existsSync(built)).toBe(true); // `make test` builds it first (scripts/build-npm.js)
  expect(fs.existsSync(path.join(__dirname, '../../miniprogram_npm/@qiun'))).toBe(false); // not in the main package
  const UCharts = require(built);
  expect(typeof UCharts).toBe('function');
  expect(UCharts.default).toBe(UCharts);
});
