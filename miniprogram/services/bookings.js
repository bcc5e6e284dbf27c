/**
 * 预约 (bookings): a ward books a category (or a device) for a future window; managers approve, reject or move
 * it; the system turns an approved booking into an approved loan before its window (its `loan_id`).
 * createBooking · listBookings · getBooking · cancelBooking · approveBooking · rejectBooking · moveBooking.
 */
const api = require('./api');
const { newIdempotencyKey } = require('./idempotency');

const path = (id, action) => `/bookings/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

/**
 * body: {category_id, device_id?, start_at, end_at (UTC ISO 8601), reason}. Reuse `idempotencyKey` when retrying
 * the same booking. 409 booking_full (the category cannot serve the window), device_not_bookable, device_booked.
 */
function createBooking(body, idempotencyKey = newIdempotencyKey()) {
  return api.post('/bookings', body, { headers: { 'Idempotency-Key': idempotencyKey } });
}

/** query: day ('YYYY-MM-DD', Beijing: bookings starting that day; default from today on), category_id, department_id. */
const listBookings = (query = {}) => api.get('/bookings', query);
const getBooking = (id) => api.get(path(id));
const cancelBooking = (id) => api.post(path(id, 'cancel'), {});
const approveBooking = (id) => api.post(path(id, 'approve'), {});
const rejectBooking = (id, reason) => api.post(path(id, 'reject'), { reason });
/** A new window, checked like a new booking (409 booking_full); `reason` optional. */
function moveBooking(id, startAt, endAt, reason) {
  const body = { start_at: startAt, end_at: endAt };
  if (reason) body.reason = reason;
  return api.post(path(id, 'move'), body);
}

const STATUS_TEXT = {
  requested: '待审批', approved: '已批准', fulfilled: '已转借用', rejected: '已驳回', cancelled: '已取消', expired: '已过期',
};
const CONFLICT_TEXT = { device_maintenance: '设备送修，时段不足', no_device: '无可预留设备', taken_by_emergency: '设备被抢救调用', taken_by_loan: '设备被借用占用' };

module.exports = {
  createBooking, listBookings, getBooking, cancelBooking, approveBooking, rejectBooking, moveBooking,
  STATUS_TEXT, CONFLICT_TEXT,
};
