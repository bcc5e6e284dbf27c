/**
 * listNotifications: the user's own notifications (each is also pushed by WeChat when subscribed).
 * listOutbox · retryNotification (managers): pushes that failed or still wait, and sending a failed one again.
 */
const api = require('./api');

const listNotifications = (query = {}) => api.get('/notifications', query);
/** query: {queue: 'failed' (default) | 'pending', limit, cursor} */
const listOutbox = (query = {}) => api.get('/outbox', query);
const retryNotification = (id) => api.post(`/outbox/${encodeURIComponent(id)}/retry`);

module.exports = { listNotifications, listOutbox, retryNotification };
