/** getPrivacyGuide: the 用户隐私保护指引 (public: read before registering) -> {version, updated_at, summary, text}. */
const api = require('./api');

const getPrivacyGuide = () => api.get('/privacy-guide', undefined, { auth: false });

module.exports = { getPrivacyGuide };
