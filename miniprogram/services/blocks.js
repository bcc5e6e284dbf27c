/**
 * listBlocks · liftBlock (managers): departments holding loans overdue longer than the configured hours
 * may only file emergency requests until they return them or a manager lifts the block. A block's id is
 * its department id.
 */
const api = require('./api');

/** -> {enabled, hours, items: [{department_id, loan_ids, lifted_loan_ids, blocked}]} */
const listBlocks = () => api.get('/blocks');
const liftBlock = (departmentId) => api.post(`/blocks/${encodeURIComponent(departmentId)}/lift`);

module.exports = { listBlocks, liftBlock };
