/**
 * listDevices · getDevice · createDevice · updateDevice · deleteDevice · getDeviceHistory · getDeviceCode · rotateDeviceCode
 * · recordDisinfection · recordMaintenance · getDeviceDossier (and the lists listCleaning, listDue built on listDevices)
 */
const api = require('./api');

const path = (id) => `/devices/${encodeURIComponent(id)}`;

const listDevices = (query = {}) => api.get('/devices', query);
const getDevice = (id) => api.get(path(id));
const createDevice = (body) => api.post('/devices', body);
const updateDevice = (id, fields) => api.put(path(id), fields);
const deleteDevice = (id) => api.del(path(id));
const getDeviceHistory = (id, query = {}) => api.get(`${path(id)}/history`, query);

/** Devices waiting for disinfection, longest waiting first (each with waiting_hours and cleaning_alert). */
const listCleaning = (query = {}) => api.get('/devices', { ...query, status: 'cleaning' });
/** Devices whose maintenance or calibration falls due within `days` days (past due first). */
const listDue = (days = 30, query = {}) => api.get('/devices', { ...query, due_within_days: days });

/**
 * Record a returned device's disinfection (managers): `proof` is { scan } (the label's scene) or { device_id }
 * (typed); `fields` { method, agent, performed_by, note }. Answers the device, available again.
 */
const recordDisinfection = (id, proof, fields) => api.post(`${path(id)}/disinfection`, { ...proof, ...fields });

/** Record a completed maintenance or calibration: { kind, result, performed_on, certificate_no, next_due, note }. */
const recordMaintenance = (id, body) => api.post(`${path(id)}/maintenance-records`, body);

/**
 * The device dossier (设备档案, managers) as a downloaded temp file: `pdf` (printable) or `xlsx` (a sheet per topic).
 * A binary answer needs a matching Accept header through API Gateway.
 */
const DOSSIER_TYPES = { pdf: 'application/pdf', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
const getDeviceDossier = (id, format = 'pdf') => api.downloadFile(`${path(id)}/dossier`, { format }, { Accept: DOSSIER_TYPES[format] });

// getDeviceCode: the device's mini program code (PNG, managers only) as a downloaded temp file. WeChat
// allows 10 downloads at once: a label sheet asks for at most MAX_PARALLEL, the rest wait. A code changes
// only when its label is reprinted (rotateDeviceCode), so each one is downloaded once per session until then
// (a failed download is forgotten and may be retried).
const MAX_PARALLEL = 4;
const codes = new Map();
const waiting = [];
let running = 0;

function startNext() {
  while (running < MAX_PARALLEL && waiting.length) {
    const { id, resolve, reject } = waiting.shift();
    running += 1;
    api.downloadFile(`${path(id)}/code`, undefined, { Accept: 'image/png' })
      .then(resolve, reject)
      .finally(() => {
        running -= 1;
        startNext();
      });
  }
}

function getDeviceCode(id) {
  if (!codes.has(id)) {
    const pending = new Promise((resolve, reject) => {
      waiting.push({ id, resolve, reject });
      startNext();
    });
    pending.catch(() => codes.delete(id));
    codes.set(id, pending);
  }
  return codes.get(id);
}

/**
 * Reprint a device's label (managers): the API draws a new label secret, the old label stops working for
 * hand-over and return. Answers the device (label_issued_at); the next getDeviceCode downloads the new code.
 */
function rotateDeviceCode(id) {
  return api.post(`${path(id)}/code/rotate`, {}).then((device) => {
    codes.delete(id);
    return device;
  });
}

module.exports = {
  listDevices, getDevice, createDevice, updateDevice, deleteDevice, getDeviceHistory, getDeviceCode, rotateDeviceCode,
  listCleaning, listDue, recordDisinfection, recordMaintenance, getDeviceDossier,
};
