/** listDevices · getDevice · createDevice · updateDevice · deleteDevice · getDeviceHistory */
const api = require('./api');

const path = (id) => `/devices/${encodeURIComponent(id)}`;

const listDevices = (query = {}) => api.get('/devices', query);
const getDevice = (id) => api.get(path(id));
const createDevice = (body) => api.post('/devices', body);
const updateDevice = (id, fields) => api.put(path(id), fields);
const deleteDevice = (id) => api.del(path(id));
const getDeviceHistory = (id, query = {}) => api.get(`${path(id)}/history`, query);

module.exports = { listDevices, getDevice, createDevice, updateDevice, deleteDevice, getDeviceHistory };
