const { formatTime, toUtcIso, shanghaiDate, shanghaiMonth, shanghaiMonthStart } = require('../../utils/time');
const { yuan, toFen } = require('../../utils/money');
const { parseDeviceCode } = require('../../utils/device-code');
const { tabsFor } = require('../../utils/tabs');
const { loanActions } = require('../../utils/loan-actions');

test('times are shown in Asia/Shanghai and entered back as UTC', () => {
  expect(formatTime('2024-03-01T17:05:00Z')).toBe('2024-03-02 01:05');
  expect(toUtcIso('2024-03-02', '01:05')).toBe('2024-03-01T17:05:00.000Z');
  expect(shanghaiDate(new Date('2024-12-31T16:00:00Z'))).toBe('2025-01-01');
  expect(formatTime(null)).toBe('');
});

test.each([
  // 23:30 and 00:30 Beijing time around a month end and a year end
  ['2024-01-31T15:30:00Z', '2024-01-31 23:30', '2024-01-31', '2024-01', '2024-01-01'],
  ['2024-01-31T16:30:00Z', '2024-02-01 00:30', '2024-02-01', '2024-02', '2024-02-01'],
  ['2024-12-31T15:30:00Z', '2024-12-31 23:30', '2024-12-31', '2024-12', '2024-12-01'],
  ['2024-12-31T16:30:00Z', '2025-01-01 00:30', '2025-01-01', '2025-01', '2025-01-01'],
])('%s is %s in Beijing: day %s, month %s (from %s)', (iso, shown, day, month, monthStart) => {
  const date = new Date(iso);
  expect(formatTime(iso)).toBe(shown);
  expect([shanghaiDate(date), shanghaiMonth(date), shanghaiMonthStart(date)]).toEqual([day, month, monthStart]);
  expect(toUtcIso(day, shown.slice(11))).toBe(date.toISOString());
});

test('money in fen', () => {
  expect(yuan(2000)).toBe('¥20.00');
  expect(toFen('12.5')).toBe(1250);
  expect(toFen('abc')).toBeNaN();
});

test('device codes: WeChat mini program code path, the local stand-in\'s plain QR text, old labels', () => {
  expect(parseDeviceCode({ result: '', path: 'pages/device-detail/index?scene=HFNC-002' })).toBe('HFNC-002');
  expect(parseDeviceCode({ result: 'pages/device-detail/index?scene=VENT-001' })).toBe('VENT-001');
  expect(parseDeviceCode({ result: 'medpool:device:VENT-003' })).toBe('VENT-003');
  expect(parseDeviceCode({ result: 'https://example.com' })).toBeNull();
  // a label's scene: the asset tag, then the label secret the API checks at hand-over and return
  const { readDeviceCode, sceneOfOptions } = require('../../utils/device-code');
  expect(readDeviceCode({ result: '', path: 'pages/device-detail/index?scene=HFNC-002.Ab3dE6gH9k' })).toEqual({ deviceId: 'HFNC-002', scene: 'HFNC-002.Ab3dE6gH9k' });
  expect(readDeviceCode({ result: 'pages/device-detail/index?scene=VENT-001.x1' })).toEqual({ deviceId: 'VENT-001', scene: 'VENT-001.x1' });
  expect(readDeviceCode({ result: 'medpool:device:VENT-003' })).toEqual({ deviceId: 'VENT-003', scene: 'VENT-003' });
  expect(readDeviceCode({ result: 'pages/device-detail/index?scene=.x1' })).toBeNull();
  expect(parseDeviceCode({ result: '', path: 'pages/device-detail/index?scene=HFNC-002.Ab3dE6gH9k' })).toBe('HFNC-002');
  expect(sceneOfOptions({ scene: encodeURIComponent('VENT-001.Ab3') })).toBe('VENT-001.Ab3');
  expect(sceneOfOptions({ scene: '%E0%A4%A' })).toBe('');
  expect(sceneOfOptions({})).toBe('');
});

test('tabs depend on the role', () => {
  expect(tabsFor({ role: 'applicant' }).map((t) => t.text)).toEqual(['个人', '申请', '查询', '公告']);
  expect(tabsFor({ role: 'admin' }).map((t) => t.text)).toEqual(['个人', '审批', '管理', '公告']);
});

test('loan actions by role and state', () => {
  const nurse = { role: 'applicant', department_id: 'ICU' };
  const manager = { role: 'manager', department_id: 'SBK' };
  expect(loanActions({ status: 'pending', department_id: 'ICU' }, nurse)).toMatchObject({ cancel: true, approve: false });
  expect(loanActions({ status: 'pending', department_id: 'ICU' }, manager)).toMatchObject({ approve: true, reject: true, cancel: false });
  expect(loanActions({ status: 'in_use', department_id: 'ICU' }, nurse)).toMatchObject({ requestReturn: true });
  expect(loanActions({ status: 'return_requested', department_id: 'ICU' }, manager)).toMatchObject({ confirmReturn: true });
  expect(loanActions({ status: 'in_use', department_id: 'ICU' }, manager)).toMatchObject({ extend: true });
  expect(loanActions({ status: 'in_use', department_id: 'ICU' }, nurse)).toMatchObject({ extend: false });
  expect(loanActions({ status: 'return_requested', department_id: 'ICU' }, manager)).toMatchObject({ extend: false });
});

test('no page or component says UTC: users see Beijing time only', () => {
  const fs = require('fs');
  const path = require('path');
  const root = path.join(__dirname, '../..');
  const files = [path.join(root, 'app.json')];
  const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).forEach((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (/\.(wxml|json|js)$/.test(entry.name)) files.push(full);
  });
  ['pages', 'components', 'custom-tab-bar', 'utils'].forEach((dir) => walk(path.join(root, dir)));
  expect(files.length).toBeGreaterThan(40);
  const shown = (file) => {
    const text = fs.readFileSync(file, 'utf8');
    if (!file.endsWith('.js')) return text;
    // in code, only string literals can reach the screen (getUTCHours() and comments cannot)
    return (text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '').match(/(['"`])(?:(?!\1).)*\1/g) || []).join('\n');
  };
  expect(files.filter((file) => shown(file).includes('UTC'))).toEqual([]);
});
