// 操作记录 search (issue 14 item 7): what people type becomes GET /records' subject / actor; the day
// picker says what it shows (a day, or 全部日期 for a search).
const { renderPage, tap } = require('../helpers/render');
const { users, page } = require('../helpers/fixtures');
const { parseRecordSearch } = require('../../utils/record-search');

test.each([
  ['VENT-003', { subject: 'device#VENT-003' }],
  [' vent-003 ', { subject: 'device#VENT-003' }],
  ['device#VENT-003', { subject: 'device#VENT-003' }],
  ['L0123456789ABCDEF012', { subject: 'loan#L0123456789ABCDEF012' }],
  ['l0123456789abcdef012', { subject: 'loan#L0123456789ABCDEF012' }],
  ['loan#L0123456789ABCDEF012', { subject: 'loan#L0123456789ABCDEF012' }],
  ['oA1b2C3d4E5f6G7h8I9j0K1l2M3n', { actor: 'oA1b2C3d4E5f6G7h8I9j0K1l2M3n' }],
  ['张护士长', { person: '张护士长' }],
  ['13800000000', { person: '13800000000' }],
  ['', {}],
  ['a b', { error: expect.stringContaining('借用单号') }],
])('"%s" searches %j', (text, expected) => {
  expect(parseRecordSearch(text)).toEqual(expected);
});

const open = (routes = {}) => renderPage('pages/records/index', { user: users.manager, routes: { 'GET /records': page([]), ...routes } });

test('without a search: today, labelled as today, not "全部"', async () => {
  const r = await open();
  const { day } = r.callsTo('GET /records')[0].query;
  expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(r.text()).toContain(`今天 ${day}`);
  expect(r.text()).not.toContain('全部日期');
});

test('a device number searches its records on every day', async () => {
  const r = await open();
  r.page.onSearchInput({ detail: 'VENT-003' });
  await tap(r.comp, '#search');
  expect(r.callsTo('GET /records').slice(-1)[0].query).toEqual({ subject: 'device#VENT-003' });
  expect(r.text()).toContain('全部日期');
  expect(r.text()).not.toContain('服务');
});

test('a picked day narrows a search; 全部日期 widens it again', async () => {
  const r = await open();
  r.page.onSearchInput({ detail: 'VENT-003' });
  await tap(r.comp, '#search');
  await r.page.onDay({ detail: { value: '2024-03-01' } });
  expect(r.callsTo('GET /records').slice(-1)[0].query).toEqual({ subject: 'device#VENT-003', day: '2024-03-01' });
  await tap(r.comp, '#all-days');
  expect(r.callsTo('GET /records').slice(-1)[0].query).toEqual({ subject: 'device#VENT-003' });
});

test("a person's name becomes the actor filter (their openid)", async () => {
  const r = await open({ 'GET /users': page([users.nurse, users.manager]) });
  r.page.onSearchInput({ detail: '张护士长' });
  await tap(r.comp, '#search');
  expect(r.callsTo('GET /records').slice(-1)[0].query).toEqual({ actor: 'demo-nurse-icu' });
  expect(r.text()).toContain('操作人：张护士长');
});

test('an unknown name is said in the page, without asking the records', async () => {
  const r = await open({ 'GET /users': page([users.nurse]) });
  const before = r.callsTo('GET /records').length;
  r.page.onSearchInput({ detail: '王五' });
  await tap(r.comp, '#search');
  expect(r.callsTo('GET /records')).toHaveLength(before);
  expect(r.text()).toContain('没有找到用户「王五」');
});
