/** login · register · getMe · updateMe */
const api = require('./api');
const session = require('./session');
const store = require('./token-store');
const { ApiError } = require('./errors');

function login() {
  return session.login();
}

/** Register the current WeChat user (needs the registration token from a previous login). */
async function register(form) {
  let registration = store.getRegistration();
  if (!registration || (registration.expires_at && Date.parse(registration.expires_at) <= Date.now())) {
    const out = await session.login();
    if (out.state !== 'registration_required') return { state: out.state, message: out.message, user: out.user || null };
    registration = store.getRegistration();
  }
  if (!registration) throw new ApiError(401, 'registration_token_missing', '注册凭证已失效，请重新进入小程序');
  const user = await api.post('/auth/register', { ...form, registration_token: registration.token }, { auth: false });
  store.setRegistration(null);
  return { state: user.status, user };
}

async function getMe() {
  const user = await api.get('/me');
  store.setUser(user);
  return user;
}

async function updateMe(fields) {
  const user = await api.put('/me', fields);
  store.setUser(user);
  return user;
}

module.exports = { login, register, getMe, updateMe };
