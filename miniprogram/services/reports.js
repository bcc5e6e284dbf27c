/** listRecords ({day}: a Beijing day YYYY-MM-DD, default today; subject) · getStats ({from, to}: Beijing days
 * YYYY-MM-DD) · getBilling ({month}: a Beijing month YYYY-MM, + its xlsx/csv export as a downloaded file: a
 * binary answer needs a matching Accept header through API Gateway). */
const api = require('./api');

const listRecords = (query = {}) => api.get('/records', query);
const getStats = ({ from, to }) => api.get('/stats', { from, to });
const getBilling = ({ month }) => api.get('/billing', { month });
const ACCEPT = { xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', csv: 'text/csv' };
const downloadBilling = ({ month, format }) => api.downloadFile('/billing', { month, format }, { Accept: ACCEPT[format] });

module.exports = { listRecords, getStats, getBilling, downloadBilling };
