/** health · getOpenApi */
const api = require('./api');

const health = () => api.get('/health', undefined, { auth: false });
const getOpenApi = () => api.get('/openapi.json', undefined, { auth: false });

module.exports = { health, getOpenApi };
