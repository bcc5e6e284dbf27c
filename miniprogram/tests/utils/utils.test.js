const { formatTime, toUtcIso, shanghaiDate, utcDate } = require('../../utils/time');
const { yuan, toFen } = require('../../utils/money');
const { parseDeviceCode } = require('../../utils/device-code');
const { tabsFor } = require('../../utils/tabs');
const { loanActions } = require('../../utils/loan-actions');

test('times are shown in Asia/Shanghai and entered back as UTC', () => {
  expect(formatTime('2024-03-01T17:05:00Z')).toBe('2024-03-02 01:05');
  expect(toUtcIso('2024-03-02', '01:05')).toBe('2024-03-01T17:05:00.000Z');
  expect(shanghaiDate(new Date('2024-12-31T16:00:00Z'))).toBe('2025-01-01');
  expect(formatTime(null)).toBe('');
  // Statistics count UTC days: 2024-12-31T20:00Z is already 2025-01-01 in Shanghai, still 2024-12-31 in UTC.
  expect(utcDate(new Date('2024-12-31T20:00:00Z'))).toBe('2024-12-31');
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
