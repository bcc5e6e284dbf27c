/** listAnnouncements · createAnnouncement · updateAnnouncement · deleteAnnouncement */
const api = require('./api');

const path = (id) => `/announcements/${encodeURIComponent(id)}`;

const listAnnouncements = (query = {}) => api.get('/announcements', query);
const createAnnouncement = (body) => api.post('/announcements', body);
const updateAnnouncement = (id, fields) => api.put(path(id), fields);
const deleteAnnouncement = (id) => api.del(path(id));

module.exports = { listAnnouncements, createAnnouncement, updateAnnouncement, deleteAnnouncement };
