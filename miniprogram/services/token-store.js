/** The session kept in storage: {token, expires_at, user}, plus the pending registration token. */
const SESSION_KEY = 'medpool.session';
const REGISTRATION_KEY = 'medpool.registration';

function read(key) {
  try {
    return wx.getStorageSync(key) || null;
  } catch (err) {
    return null;
  }
}

function write(key, value) {
  try {
    if (value) wx.setStorageSync(key, value);
    else wx.removeStorageSync(key);
  } catch (err) {
    // storage full or unavailable: the session still lives in memory for this run
  }
}

let memory = null;

function getSession() {
  if (!memory) memory = read(SESSION_KEY);
  return memory;
}

function setSession(session) {
  memory = session || null;
  write(SESSION_KEY, memory);
}

function getToken() {
  const session = getSession();
  if (!session || !session.token) return null;
  if (session.expires_at && Date.parse(session.expires_at) <= Date.now()) return null;
  return session.token;
}

function getUser() {
  const session = getSession();
  return (session && session.user) || null;
}

function setUser(user) {
  const session = getSession();
  if (session) setSession({ ...session, user });
}

function getRegistration() {
  return read(REGISTRATION_KEY);
}

function setRegistration(registration) {
  write(REGISTRATION_KEY, registration || null);
}

function clear() {
  setSession(null);
  setRegistration(null);
}

module.exports = { getSession, setSession, getToken, getUser, setUser, getRegistration, setRegistration, clear };
