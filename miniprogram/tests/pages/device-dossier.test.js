// Issue 16: a manager downloads a device's dossier (设备档案) from its page, as PDF or xlsx, and opens it in
// WeChat's document viewer (its menu forwards or prints it); applicants have no such button.
const { renderPage, tap } = require('../helpers/render');
const { users, device } = require('../helpers/fixtures');

test.each([
  [0, 'pdf', 'application/pdf', '/tmp/dossier.pdf'],
  [1, 'xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', '/tmp/dossier.xlsx'],
])('a manager opens the dossier (choice %i: %s)', async (choice, format, accept, file) => {
  const r = await renderPage('pages/device-detail/index', {
    user: users.manager, query: { id: 'VENT-001' }, routes: { 'GET /devices/VENT-001': device },
    wx: { actionSheetIndex: choice },
  });
  r.wx.downloadFile.mockImplementation((o) => o.success({ statusCode: 200, tempFilePath: file }));
  await tap(r.comp, '#dossier');
  const calls = r.wx.downloadFile.mock.calls.map(([o]) => o).filter((o) => o.url.includes('/dossier')); // not the label's code
  expect(calls).toHaveLength(1);
  const { url, header } = calls[0];
  expect(url).toMatch(new RegExp(`/devices/VENT-001/dossier\\?format=${format}$`));
  expect(header).toEqual({ Accept: accept, Authorization: 'Bearer token-demo-manager' });
  expect(r.wx.openDocument).toHaveBeenCalledWith({ filePath: file, fileType: format, showMenu: true });
});

test('a refused download is shown, nothing is opened', async () => {
  const r = await renderPage('pages/device-detail/index', {
    user: users.manager, query: { id: 'VENT-001' }, routes: { 'GET /devices/VENT-001': device }, wx: { actionSheetIndex: 0 },
  });
  r.wx.downloadFile.mockImplementation((o) => o.success(o.url.includes('/dossier')
    ? { statusCode: 404, tempFilePath: '/tmp/error.json' } : { statusCode: 200, tempFilePath: '/tmp/code.png' }));
  r.wx.showToast.mockClear();
  r.wx.showModal.mockClear();
  await tap(r.comp, '#dossier');
  expect(r.wx.openDocument).not.toHaveBeenCalled();
  expect(r.wx.showToast.mock.calls.length + r.wx.showModal.mock.calls.length).toBe(1);
});

test('applicants see no dossier button', async () => {
  const r = await renderPage('pages/device-detail/index', { user: users.nurse, query: { id: 'VENT-001' }, routes: { 'GET /devices/VENT-001': device } });
  expect(r.comp.querySelector('#dossier')).toBeFalsy();
});
