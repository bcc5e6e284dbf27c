// Long or actionable errors in a dialog, short ones in a toast (issue 14 item 6).
const { renderPage, tap } = require('../helpers/render');
const { apiError } = require('../helpers/fake-api');
const { users, category, page } = require('../helpers/fixtures');

const BLOCKED_MESSAGE = '本科室有借用逾期超过 48 小时未归还（L-9），归还前只能提交抢救申请；如需解除请联系设备科';

function freshFeedback() {
  jest.resetModules();
  global.wx = { showToast: jest.fn(), showModal: jest.fn(({ success }) => success({ confirm: true })) };
  return require('../../utils/feedback');
}

test('a short error is a toast', async () => {
  const { showError } = freshFeedback();
  await expect(showError({ code: 'conflict', message: '科室编码已存在' })).resolves.toBe('科室编码已存在');
  expect(wx.showToast).toHaveBeenCalledWith({ title: '科室编码已存在', icon: 'none', duration: 3000 });
  expect(wx.showModal).not.toHaveBeenCalled();
});

test('the department-blocked refusal is shown whole in a dialog', async () => {
  const { showError } = freshFeedback();
  await showError({ code: 'department_blocked', message: BLOCKED_MESSAGE });
  expect(wx.showToast).not.toHaveBeenCalled();
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: BLOCKED_MESSAGE, showCancel: false }));
  expect(wx.showModal.mock.calls[0][0].content).toContain('归还前只能提交抢救申请');
});

test('a short but actionable refusal is a dialog too', async () => {
  const { showError } = freshFeedback();
  await showError({ code: 'wrong_device', message: '不是这台设备' });
  expect(wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '不是这台设备' }));
});

test('the apply form shows the department-blocked refusal in a dialog', async () => {
  const r = await renderPage('pages/apply-form/index', {
    user: users.nurse, query: { category_id: 'ventilator' },
    routes: { 'GET /categories': page([category]), 'POST /loans': apiError(409, 'department_blocked', BLOCKED_MESSAGE) },
  });
  r.page.setData({ 'form.reason': '3床呼吸衰竭' });
  await r.page.onSubmit();
  expect(r.callsTo('POST /loans')).toHaveLength(1);
  const dialog = r.wx.showModal.mock.calls.map((c) => c[0]).find((o) => o.content === BLOCKED_MESSAGE);
  expect(dialog).toBeTruthy();
  expect(r.wx.showToast).not.toHaveBeenCalledWith(expect.objectContaining({ title: BLOCKED_MESSAGE }));
});
