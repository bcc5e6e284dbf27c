/** The loan loop: createLoan · listLoans · getLoan · cancel · approve · reject · hand over · extend · return. */
const api = require('./api');
const { newIdempotencyKey } = require('./idempotency');

const path = (id, action) => `/loans/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

/** `idempotencyKey`: reuse the same key when retrying the same application. */
function createLoan(body, idempotencyKey = newIdempotencyKey()) {
  return api.post('/loans', body, { headers: { 'Idempotency-Key': idempotencyKey } });
}

const listLoans = (query = {}) => api.get('/loans', query);
const getLoan = (id) => api.get(path(id));
const cancelLoan = (id) => api.post(path(id, 'cancel'), {});
const approveLoan = (id, deviceId) => api.post(path(id, 'approve'), { device_id: deviceId });
const rejectLoan = (id, reason) => api.post(path(id, 'reject'), { reason });
/** `deviceId`: the device id read by scanning the device's code; the API refuses another device (422 wrong_device). */
const handOverLoan = (id, deviceId) => api.post(path(id, 'handover'), { device_id: deviceId });
/**
 * 续借 (managers; approved / in_use loans): `expectedReturnAt` a UTC ISO 8601 time, `reason` 1–500 chars;
 * `overLimitReason` required when the loan would exceed its category's maximum length (422 extension_too_long).
 * Answers the updated loan (overdue false); 409 loan_not_extendable, 422 expected_return_in_past.
 */
const extendLoan = (id, expectedReturnAt, reason, overLimitReason) => api.post(path(id, 'extend'),
  overLimitReason ? { expected_return_at: expectedReturnAt, reason, over_limit_reason: overLimitReason }
    : { expected_return_at: expectedReturnAt, reason });
const requestReturn = (id) => api.post(path(id, 'return-request'), {});
const confirmReturn = (id, condition, note) => api.post(path(id, 'confirm-return'), note ? { condition, note } : { condition });

module.exports = {
  createLoan, listLoans, getLoan, cancelLoan, approveLoan, rejectLoan, handOverLoan, extendLoan, requestReturn, confirmReturn,
};
