/** The loan loop: createLoan · listLoans · getLoan · cancel · approve · reject · hand over · extend · recall · return. */
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
/**
 * Approve: `deviceId` the device assigned; without it the server picks an available, lendable device of the
 * category (409 no_device_available; 409 emergency_reserve_held for a routine/urgent request).
 */
const approveLoan = (id, deviceId) => api.post(path(id, 'approve'), deviceId ? { device_id: deviceId } : {});
const rejectLoan = (id, reason) => api.post(path(id, 'reject'), { reason });
/**
 * Hand-over. `scene`: the scene read from the device's label (wx.scanCode, or the page's `scene` option when
 * the label was scanned with WeChat); the API checks it names the assigned device (422 wrong_device) and
 * carries its current label secret (422 invalid_scan: an old or reprinted label).
 */
const handOverLoan = (id, scene) => api.post(path(id, 'handover'), { scan: scene });
/** Hand-over with the asset tag typed in: managers only (an applicant gets 403 scan_required); recorded as manual. */
const handOverByAssetTag = (id, deviceId) => api.post(path(id, 'handover'), { device_id: deviceId });
/**
 * 续借 (managers; approved / in_use loans): `expectedReturnAt` a UTC ISO 8601 time, `reason` 1–500 chars;
 * `overLimitReason` required when the loan would exceed its category's maximum length (422 extension_too_long).
 * Answers the updated loan (overdue false); 409 loan_not_extendable, 422 expected_return_in_past.
 */
const extendLoan = (id, expectedReturnAt, reason, overLimitReason) => api.post(path(id, 'extend'),
  overLimitReason ? { expected_return_at: expectedReturnAt, reason, over_limit_reason: overLimitReason }
    : { expected_return_at: expectedReturnAt, reason });
/**
 * 调回 (managers; in-use loans): `reason`, and `returnBy` a UTC ISO 8601 time after now and before the current due
 * time (422 recall_return_by_past / recall_return_by_late); 409 loan_not_in_use, recall_open. The due time becomes
 * `returnBy` at once.
 */
const recallLoan = (id, reason, returnBy) => api.post(path(id, 'recall'), { reason, return_by: returnBy });
/** The ward answers a recall: `accept` true (optionally an earlier `returnBy`), or false with a `reason`. */
function answerRecall(id, { accept, reason, returnBy }) {
  const body = { accept: Boolean(accept) };
  if (reason) body.reason = reason;
  if (accept && returnBy) body.return_by = returnBy;
  return api.post(path(id, 'recall-answer'), body);
}
/** Managers: recalls unanswered for the configured hours, then refused ones (GET /loans?recall=open). */
const listOpenRecalls = (query = {}) => api.get('/loans', { ...query, recall: 'open' });
const requestReturn = (id) => api.post(path(id, 'return-request'), {});
/**
 * Managers take the device back: `condition` ok / damaged, optional `note`, and the device identified by
 * `scene` (its label scanned) or `deviceId` (its asset tag typed in, recorded as manual).
 */
function confirmReturn(id, { condition, note, scene, deviceId }) {
  const body = { condition };
  if (note) body.note = note;
  if (scene) body.scan = scene;
  else if (deviceId) body.device_id = deviceId;
  return api.post(path(id, 'confirm-return'), body);
}

module.exports = {
  createLoan, listLoans, getLoan, cancelLoan, approveLoan, rejectLoan, handOverLoan, handOverByAssetTag, extendLoan,
  recallLoan, answerRecall, listOpenRecalls, requestReturn, confirmReturn,
};
