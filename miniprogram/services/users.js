/** listUsers · updateUser · deleteUser (managers) */
const api = require('./api');

const listUsers = (query = {}) => api.get('/users', query);
const updateUser = (openid, fields) => api.put(`/users/${encodeURIComponent(openid)}`, fields);
const deleteUser = (openid) => api.del(`/users/${encodeURIComponent(openid)}`);

module.exports = { listUsers, updateUser, deleteUser };
