// Numbers for people (issue 14 item 9): ¥ with thousands separators, negatives as -¥, Beijing time.
const { money, balance, count, percent, time } = require('../../utils/format');
const { yuan, toFen } = require('../../utils/money');
const { statsRows } = require('../../utils/stats-view');

test('money has ¥, two decimals and thousands separators', () => {
  expect(money(2846000)).toBe('¥28,460.00');
  expect(money(123456789)).toBe('¥1,234,567.89');
  expect(money(5)).toBe('¥0.05');
  expect(money(0)).toBe('¥0.00');
  expect(money(null)).toBe('');
  expect(money(undefined)).toBe('');
  expect(yuan(2000)).toBe('¥20.00');
});

test('a negative amount puts the minus sign before ¥ (not ¥-28460.00)', () => {
  expect(money(-2846000)).toBe('-¥28,460.00');
  expect(money(-2846000)).not.toContain('¥-');
});

test('a balance is signed: + credit, - owed', () => {
  expect(balance(2846000)).toEqual({ text: '+¥28,460.00', sign: 1 });
  expect(balance(-2846000)).toEqual({ text: '-¥28,460.00', sign: -1 });
  expect(balance(0)).toEqual({ text: '¥0.00', sign: 0 });
});

test('typed yuan with separators is read back', () => {
  expect(toFen('28,460.5')).toBe(2846050);
});

test('counts and percentages', () => {
  expect(count(30240)).toBe('30,240');
  expect(count(999)).toBe('999');
  expect(percent(0.4213)).toBe('42.1%');
  expect(percent(null)).toBe('');
});

test('times are Beijing time', () => {
  expect(time('2024-03-01T16:05:00Z')).toBe('2024-03-02 00:05');
});

test('stats rows carry the formatted figures for the cards', () => {
  const [row] = statsRows({ categories: [{ category_id: 'v', name: '有创呼吸机', loans: 1280, device_hours: 30240.4, utilization: 0.42, revenue_fen: 60480000 }] });
  expect(row).toMatchObject({ loansText: '1,280', hoursText: '30,240 小时', utilizationText: '42.0%', revenueText: '¥604,800.00' });
});
