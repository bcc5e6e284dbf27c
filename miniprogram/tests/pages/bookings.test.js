// 预约: the ward's booking form (category, window, reason -> createBooking with an Idempotency-Key), the ward's
// list (cancel), and the managers' day view (approve, reject with a reason, move to a new window; conflicts).
const { renderPage, tap, settle } = require('../helpers/render');
const { apiError } = require('../helpers/fake-api');
const { users, category, page } = require('../helpers/fixtures');

const BOOKING = {
  id: 'B0123456789ABCDEF012', status: 'requested', category_id: 'ventilator', device_id: null, department_id: 'ICU',
  applicant_openid: 'demo-nurse-icu', reason: '8床择期手术', start_at: '2030-03-02T00:00:00Z', end_at: '2030-03-02T08:00:00Z',
  requested_at: '2030-03-01T02:00:00Z', conflict: null, conflict_note: null, loan_id: null,
};

describe('the booking form (wards)', () => {
  test('books a category for a Beijing window with an Idempotency-Key, then opens the bookings', async () => {
    let sent = null;
    const r = await renderPage('pages/booking-form/index', {
      routes: {
        'GET /categories': page([category]),
        'POST /bookings': (call) => { sent = call; return { status: 201, body: BOOKING }; },
      },
    });
    expect(r.text()).toContain('有创呼吸机');
    r.page.onDay({ detail: { value: '2030-03-02' } });
    r.page.onStartClock({ detail: { value: '08:00' } });
    r.page.onEndDay({ detail: { value: '2030-03-02' } });
    r.page.onEndClock({ detail: { value: '16:00' } });
    r.page.onReason({ detail: '8床择期手术' });
    await tap(r.comp, '#submit');
    expect(sent.body).toEqual({ category_id: 'ventilator', start_at: '2030-03-02T00:00:00.000Z',
      end_at: '2030-03-02T08:00:00.000Z', reason: '8床择期手术' });
    expect(sent.header['Idempotency-Key']).toMatch(/^[A-Za-z0-9_.:-]{8,64}$/);
    expect(r.wx.redirectTo).toHaveBeenCalledWith({ url: `/pages/bookings/index?id=${BOOKING.id}` });
  });

  test('a full window shows the API message and keeps the key for a retry; a bad window is not sent', async () => {
    const keys = [];
    const r = await renderPage('pages/booking-form/index', {
      routes: {
        'GET /categories': page([category]),
        'POST /bookings': (call) => { keys.push(call.header['Idempotency-Key']); return apiError(409, 'booking_full', '该类设备在所选时段已约满'); },
      },
    });
    r.page.onReason({ detail: '转运' });
    r.page.onDay({ detail: { value: '2030-03-02' } });
    r.page.onEndDay({ detail: { value: '2030-03-02' } });
    r.page.onStartClock({ detail: { value: '10:00' } });
    r.page.onEndClock({ detail: { value: '09:00' } });
    await tap(r.comp, '#submit');
    expect(keys).toHaveLength(0);
    expect(r.wx.showToast.mock.calls.pop()[0].title).toBe('结束时间须晚于开始时间');
    r.page.onEndClock({ detail: { value: '12:00' } });
    await tap(r.comp, '#submit');
    await tap(r.comp, '#submit');
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
    const shown = JSON.stringify([...r.wx.showToast.mock.calls, ...r.wx.showModal.mock.calls]);
    expect(shown).toContain('该类设备在所选时段已约满');
    expect(r.wx.redirectTo).not.toHaveBeenCalled();
  });
});

describe('the bookings page', () => {
  test('wards see their bookings from today on, cancel one, and open the form', async () => {
    const fulfilled = { ...BOOKING, id: 'B0000000000000000002', status: 'fulfilled', loan_id: 'L-9' };
    const r = await renderPage('pages/bookings/index', {
      routes: {
        'GET /bookings': page([BOOKING, fulfilled]),
        'GET /categories': page([category]),
        [`POST /bookings/${BOOKING.id}/cancel`]: () => ({ ...BOOKING, status: 'cancelled' }),
      },
    });
    expect(r.callsTo('GET /bookings')[0].query.day).toBeUndefined();
    expect(r.text()).toContain('本科室的预约');
    expect(r.text()).toContain('待审批');
    expect(r.text()).toContain('已转为借用 L-9');
    expect(r.text()).toContain('2030-03-02 08:00 至 2030-03-02 16:00');
    expect(r.comp.querySelectorAll('.approve')).toHaveLength(0);
    await tap(r.comp, '.cancel');
    expect(r.callsTo(`POST /bookings/${BOOKING.id}/cancel`)).toHaveLength(1);
    await tap(r.comp, '#new');
    expect(r.wx.navigateTo).toHaveBeenCalledWith({ url: '/pages/booking-form/index' });
  });

  test('managers: the day view approves, rejects with a reason, moves, and shows a conflict', async () => {
    const atRisk = { ...BOOKING, id: 'B0000000000000000003', status: 'approved', conflict: 'device_maintenance',
      conflict_note: '设备 VENT-002 已送修/维护' };
    let moved = null;
    const r = await renderPage('pages/bookings/index', {
      user: users.manager, query: { day: '2030-03-02' },
      routes: {
        'GET /bookings': page([BOOKING, atRisk]),
        'GET /categories': page([category]),
        [`POST /bookings/${BOOKING.id}/approve`]: () => ({ ...BOOKING, status: 'approved' }),
        [`POST /bookings/${atRisk.id}/reject`]: (call) => ({ ...atRisk, status: 'rejected', reject_reason: call.body.reason }),
        [`POST /bookings/${atRisk.id}/move`]: (call) => { moved = call.body; return atRisk; },
      },
      wx: { modalContent: '设备检修' },
    });
    expect(r.callsTo('GET /bookings')[0].query.day).toBe('2030-03-02');
    expect(r.text()).toContain('2030-03-02 开始的预约');
    expect(r.text()).toContain('重症医学科');
    expect(r.text()).toContain('设备送修，时段不足');
    await tap(r.comp, '.approve');
    expect(r.callsTo(`POST /bookings/${BOOKING.id}/approve`)).toHaveLength(1);
    expect(r.comp.querySelectorAll('.reject')).toHaveLength(2);
    await r.page.onReject({ currentTarget: { dataset: { id: atRisk.id } } });
    expect(r.callsTo(`POST /bookings/${atRisk.id}/reject`).map((c) => c.body)).toEqual([{ reason: '设备检修' }]);
    r.page.onStartMove({ currentTarget: { dataset: { id: atRisk.id } } });
    await settle();
    r.page.onMoveField({ currentTarget: { dataset: { field: 'moveStart' } }, detail: { value: '10:00' } });
    r.page.onMoveField({ currentTarget: { dataset: { field: 'moveEnd' } }, detail: { value: '18:00' } });
    await tap(r.comp, '.confirm-move');
    expect(moved).toEqual({ start_at: '2030-03-02T02:00:00.000Z', end_at: '2030-03-02T10:00:00.000Z' });
    await tap(r.comp, '.next');
    expect(r.callsTo('GET /bookings').pop().query.day).toBe('2030-03-03');
  });
});
