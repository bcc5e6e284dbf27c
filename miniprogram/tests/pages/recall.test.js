// 调回 (recall): managers recall an in-use loan from its page (reason chips + time picker); the ward sees a red banner
// and answers 同意归还 / 无法归还 (with a reason); managers' loans list shows the open recalls.
const { renderPage, tap } = require('../helpers/render');
const { apiError } = require('../helpers/fake-api');
const { users, loan, page } = require('../helpers/fixtures');

const DUE = '2099-03-02T04:00:00Z'; // 2099-03-02 12:00 in Shanghai
const RECALLED = {
  recall_state: 'requested', recall_reason: '急诊抢救需要', recall_return_by: '2099-03-01T06:00:00Z',
  recalled_at: '2099-03-01T02:00:00Z', recalled_by: 'demo-manager', expected_return_at: '2099-03-01T06:00:00Z',
};

function detail(user, extra = {}, routes = {}, wx = {}) {
  let current = loan({ status: 'in_use', device_id: 'VENT-001', expected_return_at: DUE, ...extra });
  return renderPage('pages/loan-detail/index', {
    user, query: { id: 'L-1' }, wx,
    routes: {
      'GET /loans/L-1': () => current,
      ...Object.fromEntries(Object.entries(routes).map(([key, route]) => [key, (c) => {
        const next = route(c);
        if (next.status && next.body && next.body.error) return next;
        current = { ...current, ...next };
        return current;
      }])),
    },
  });
}

test('manager recalls: a reason chip and a time before the due time, sent as UTC; the banner then shows', async () => {
  const r = await detail(users.manager, {}, {
    'POST /loans/L-1/recall': (c) => ({ ...RECALLED, recall_reason: c.body.reason, recall_return_by: c.body.return_by,
      expected_return_at: c.body.return_by }),
  });
  expect(r.comp.querySelector('#recall-banner')).toBeFalsy();
  await tap(r.comp, '#recall');
  expect(r.comp.querySelector('#confirm-recall')).toBeTruthy();
  expect(r.text()).toContain('其他科室急需');

  await tap(r.comp, '#confirm-recall'); // no reason: nothing is sent
  expect(r.wx.showToast).toHaveBeenLastCalledWith({ title: '请选择或填写调回原因', icon: 'none' });
  r.page.onRecallChip({ currentTarget: { dataset: { reason: '急诊抢救需要' } } });
  r.page.onRecallDay({ detail: { value: '2099-03-03' } }); // after the current due time: refused before the API
  r.page.onRecallClock({ detail: { value: '10:00' } });
  await tap(r.comp, '#confirm-recall');
  expect(r.wx.showToast).toHaveBeenLastCalledWith({ title: '调回时间须早于当前应还时间', icon: 'none' });
  expect(r.callsTo('POST /loans/L-1/recall')).toHaveLength(0);

  r.page.onRecallDay({ detail: { value: '2099-03-01' } });
  r.page.onRecallClock({ detail: { value: '14:00' } });
  await tap(r.comp, '#confirm-recall');
  expect(r.callsTo('POST /loans/L-1/recall').map((c) => c.body)).toEqual([
    { reason: '急诊抢救需要', return_by: '2099-03-01T06:00:00.000Z' },
  ]);
  expect(r.wx.showToast).toHaveBeenLastCalledWith({ title: '已发出调回', icon: 'success' });
  expect(r.comp.querySelector('#recall-banner')).toBeTruthy();
  expect(r.text()).toContain('2099-03-01 14:00');
  expect(r.comp.querySelector('#recall-accept')).toBeFalsy(); // the ward answers, not the manager
  expect(r.comp.querySelector('#recall')).toBeFalsy(); // one recall at a time
});

test('a second recall refused by the API shows its message', async () => {
  const OPEN = '该借用已有未结束的调回请求';
  const r = await detail(users.manager, {}, { 'POST /loans/L-1/recall': () => apiError(409, 'recall_open', OPEN) });
  await tap(r.comp, '#recall');
  r.page.onRecallReason({ detail: '其他科室急需' });
  r.page.onRecallDay({ detail: { value: '2099-03-01' } });
  r.page.onRecallClock({ detail: { value: '14:00' } });
  await tap(r.comp, '#confirm-recall');
  expect(r.wx.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: OPEN, icon: 'none' }));
  expect(r.comp.querySelector('#confirm-recall')).toBeTruthy();
});

test('the ward sees the red 调回 banner and accepts', async () => {
  const r = await detail(users.nurse, RECALLED, {
    'POST /loans/L-1/recall-answer': () => ({ recall_state: 'accepted', recall_answered_by: 'demo-nurse-icu' }),
  });
  expect(r.comp.querySelector('#recall-banner')).toBeTruthy();
  expect(r.text()).toContain('急诊抢救需要');
  expect(r.text()).toContain('2099-03-01 14:00');
  expect(r.comp.querySelector('#recall')).toBeFalsy(); // recalling is for managers
  await tap(r.comp, '#recall-accept');
  expect(r.wx.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '确认将于 2099-03-01 14:00 前归还设备？' }));
  expect(r.callsTo('POST /loans/L-1/recall-answer').map((c) => c.body)).toEqual([{ accept: true }]);
  expect(r.comp.querySelector('#recall-banner')).toBeFalsy();
  expect(r.text()).toContain('已同意归还');
});

test('the ward cannot return: the reason is asked for and sent; the managers see the refusal', async () => {
  const r = await detail(users.nurse, RECALLED, {
    'POST /loans/L-1/recall-answer': (c) => ({ recall_state: 'refused', recall_answer_reason: c.body.reason,
      expected_return_at: DUE }),
  }, { modalContent: '患者仍在使用' });
  await tap(r.comp, '#recall-refuse');
  expect(r.callsTo('POST /loans/L-1/recall-answer').map((c) => c.body)).toEqual([{ accept: false, reason: '患者仍在使用' }]);
  expect(r.text()).toContain('无法归还');
  expect(r.text()).toContain('理由：患者仍在使用');
  expect(r.text()).toContain('2099-03-02 12:00'); // the earlier due time is back

  const m = await detail(users.manager, { ...RECALLED, recall_state: 'refused', recall_answer_reason: '患者仍在使用' });
  expect(m.text()).toContain('理由：患者仍在使用');
  expect(m.comp.querySelector('#recall')).toBeTruthy(); // a manager may recall again after a refusal
});

test('无法归还 without a reason sends nothing', async () => {
  const r = await detail(users.nurse, RECALLED, { 'POST /loans/L-1/recall-answer': () => ({}) }, { modalContent: '  ' });
  await tap(r.comp, '#recall-refuse');
  expect(r.callsTo('POST /loans/L-1/recall-answer')).toHaveLength(0);
  expect(r.wx.showToast).toHaveBeenLastCalledWith({ title: '请说明无法归还的理由', icon: 'none' });
});

test('managers list open recalls (GET /loans?recall=open); the ward has no such filter', async () => {
  const r = await renderPage('pages/loans/index', {
    user: users.manager,
    routes: {
      'GET /loans': (c) => page(c.query.recall === 'open'
        ? [loan({ id: 'L-9', status: 'in_use', reason: '被调回的单', recall_state: 'refused' })] : []),
    },
  });
  expect(r.text()).toContain('调回待处理');
  await r.page.selectComponent('#body').onFilter({ detail: { value: 'recall' } });
  expect(r.callsTo('GET /loans').pop().query).toEqual({ recall: 'open' });
  expect(r.text()).toContain('被调回的单');
  expect(r.text()).toContain('无法归还');

  const n = await renderPage('pages/query/index', { user: users.nurse, routes: { 'GET /loans': () => page([]) } });
  expect(n.text()).toContain('全部');
  expect(n.text()).not.toContain('调回待处理');
});
