/** listNotifications: the user's own notifications (each is also pushed by WeChat when subscribed). */
const api = require('./api');

const listNotifications = (query = {}) => api.get('/notifications', query);

module.exports = { listNotifications };
