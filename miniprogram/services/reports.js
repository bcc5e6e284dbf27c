/** listRecords ({day}: a Beijing day YYYY-MM-DD, default today; subject) · getStats ({from, to}: Beijing days
 * YYYY-MM-DD) · getBilling ({month}: a Beijing month YYYY-MM, + its xlsx/csv export as a downloaded file: a
 * binary answer needs a matching Accept header through API Gateway). */
const api = require('./api');

const listRecords = (query = {}) => api.get('/records', query);
const getStats = ({ from, to }) => api.get('/stats', { from, to });
/** getPurchaseReport ({from, to}: Beijing days): per category the recommendation, waits and the heat map. */
const getPurchase = ({ from, to }) => api.get('/stats/purchase', { from, to });
const getBilling = ({ month }) => api.get('/billing', { month });
const ACCEPT = { xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', csv: 'text/csv' };
const downloadBilling = ({ month, format }) => api.downloadFile('/billing', { month, format }, { Accept: ACCEPT[format] });

/** createImport ({content, format}: CSV text or base64 xlsx) -> the job (202); getImport (id) -> its progress. */
const createImport = ({ content, format }) => api.post('/imports', { kind: 'loans', content, format });
const getImport = (id) => api.get(`/imports/${encodeURIComponent(id)}`);

/**
 * Poll a job until it is no longer running: `onProgress(job)` after each poll; resolves with the last job.
 * `isCancelled()` (e.g. the page was closed) stops polling; the job goes on on the server either way.
 */
async function watchImport(job, onProgress, { interval = 2000, isCancelled = () => false } = {}) {
  let current = job;
  while (current.status === 'running' && !isCancelled()) {
    await new Promise((resolve) => setTimeout(resolve, interval));
    if (isCancelled()) break;
    current = await getImport(current.id);
    onProgress(current);
  }
  return current;
}

module.exports = { listRecords, getStats, getPurchase, getBilling, downloadBilling, createImport, getImport, watchImport };
