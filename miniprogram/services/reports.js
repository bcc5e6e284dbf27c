/** listRecords · getStats · getBilling (+ its xlsx/csv export as a downloaded file). */
const api = require('./api');

const listRecords = (query = {}) => api.get('/records', query);
const getStats = ({ from, to }) => api.get('/stats', { from, to });
const getBilling = ({ month }) => api.get('/billing', { month });
const downloadBilling = ({ month, format }) => api.downloadFile('/billing', { month, format });

module.exports = { listRecords, getStats, getBilling, downloadBilling };
