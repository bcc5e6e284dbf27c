// Loan import (managers): a file chosen from a WeChat chat is sent whole to POST /imports; bad rows are
// listed; a running job is polled through services/reports until done, its progress shown.
const { renderPage, tap, settle } = require('../helpers/render');

jest.setTimeout(90000); // the first render compiles the page (slow on a loaded machine)
const { users } = require('../helpers/fixtures');

const job = (written, status = 'running') => ({
  id: 'J1', kind: 'loans', status, format: 'csv', created_by: 'demo-manager', created_at: '2026-12-01T00:00:00.000Z',
  updated_at: '2026-12-01T00:00:00.000Z', finished_at: null, total: 80, written, imported: written, already_imported: 0,
  repaired: 0, skipped: 0, conflicts: [], error: null,
});

function withFile(r, name, content) {
  r.wx.files.set('wxfile://tmp/upload', content);
  r.wx.chooseMessageFile = jest.fn(({ success }) => success({ tempFiles: [{ path: 'wxfile://tmp/upload', name }] }));
}

test('a job is created with the file and polled until done; the progress is shown', async () => {
  const polls = [job(40), job(80, 'done')];
  const r = await renderPage('pages/imports/index', {
    user: users.manager,
    routes: { 'POST /imports': { status: 202, body: job(20) }, 'GET /imports/J1': () => polls.shift() },
  });
  withFile(r, 'loans.csv', 'device_id,category_id\n');
  r.page.setData({ pollMs: 1 });
  await tap(r.comp, '#choose');
  await settle(30);
  const [created] = r.callsTo('POST /imports');
  expect(created.body).toEqual({ kind: 'loans', content: 'device_id,category_id\n', format: 'csv' });
  expect(r.callsTo('GET /imports/J1')).toHaveLength(2);
  expect(r.page.data.percent).toBe(100);
  expect(r.text()).toContain('已完成');
  expect(r.text()).toContain('已写入 80 / 80 行');
});

test('progress while running, and every bad row of a refused file', async () => {
  const r = await renderPage('pages/imports/index', {
    user: users.manager,
    routes: {
      'POST /imports': {
        status: 422,
        body: { error: { code: 'invalid_import_file', message: '文件有 2 处错误，未导入任何记录',
          details: [{ line: 2, column: 'condition', reason: '须为 ok 或 damaged' }, { line: 5, column: 'device_id', reason: '设备不存在（请先登记设备）' }] } },
      },
    },
  });
  withFile(r, 'bad.xlsx', 'UEsDBA==');
  await tap(r.comp, '#choose');
  await settle(10);
  expect(r.callsTo('POST /imports')[0].body.format).toBe('xlsx');
  expect(r.text()).toContain('第 2 行 condition：须为 ok 或 damaged');
  expect(r.text()).toContain('第 5 行 device_id');
  expect(r.page.data.job).toBe(null);

  r.page.setData({ pollMs: 100000 });
  r.routes['POST /imports'] = { status: 202, body: job(20) };
  await tap(r.comp, '#choose');
  await settle(10);
  expect(r.page.data.percent).toBe(25);
  expect(r.text()).toContain('导入中');
  expect(r.text()).toContain('已写入 20 / 80 行');
  r.page.onUnload();
});
