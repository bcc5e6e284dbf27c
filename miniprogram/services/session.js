/**
 * Login with WeChat: wx.login -> POST /auth/login. An active user's token is stored; a new user gets a
 * registration token; pending / rejected / disabled users get their state. Concurrent callers share
 * one login in flight (used for the silent renewal on 401).
 */
const env = require('./env');
const http = require('./http');
const store = require('./token-store');
const { ApiError, fromResponse } = require('./errors');

const STATE_MESSAGES = {
  registration_required: '请先完成注册',
  pending: '注册申请已提交，等待设备科审核',
  rejected: '注册申请未通过，请联系设备科',
  disabled: '账号已停用，请联系设备科',
};

let inFlight = null;
let lostHandler = defaultLostHandler;

function defaultLostHandler() {
  if (typeof wx.reLaunch === 'function') wx.reLaunch({ url: '/pages/launch/index' });
}

function wxLogin() {
  return new Promise((resolve, reject) => {
    wx.login({
      success: (res) => (res && res.code ? resolve(res.code)
        : reject(new ApiError(0, 'wx_login_failed', '微信登录失败，请重试'))),
      fail: () => reject(new ApiError(0, 'wx_login_failed', '微信登录失败，请重试')),
    });
  });
}

function requireBaseUrl() {
  const base = env.baseUrl();
  if (!base) throw new ApiError(0, 'not_configured', '未配置服务器地址，请联系管理员');
  return base;
}

async function doLogin() {
  const base = requireBaseUrl();
  const code = await wxLogin();
  const res = await http.send({
    url: `${base}/auth/login`,
    method: 'POST',
    data: { code },
    header: { 'Content-Type': 'application/json' },
  });
  if (res.statusCode < 200 || res.statusCode >= 300) throw fromResponse(res.statusCode, res.data);
  const out = res.data || {};
  if (out.state === 'active' && out.token) {
    store.setSession({ token: out.token, expires_at: out.expires_at || null, user: out.user || null });
    store.setRegistration(null);
  } else {
    store.setSession(null);
    if (out.state === 'registration_required' && out.registration_token) {
      store.setRegistration({ token: out.registration_token, expires_at: out.registration_expires_at || null });
    }
  }
  return { ...out, message: out.message || STATE_MESSAGES[out.state] || '' };
}

/** Log in now (shared when already in flight). Resolves with the login answer. */
function login() {
  if (!inFlight) {
    inFlight = doLogin().finally(() => {
      inFlight = null;
    });
  }
  return inFlight;
}

/** A valid token, logging in silently when there is none; throws 401 when the user is not active. */
async function ensureToken(forceRenew = false) {
  const token = forceRenew ? null : store.getToken();
  if (token) return token;
  const out = await login();
  if (out.state === 'active' && out.token) return out.token;
  const error = new ApiError(401, `session_${out.state || 'unavailable'}`, out.message || STATE_MESSAGES.registration_required);
  lostHandler(error);
  throw error;
}

function currentUser() {
  return store.getUser();
}

function isManager(user = currentUser()) {
  return Boolean(user && (user.role === 'manager' || user.role === 'admin'));
}

function logout() {
  store.clear();
}

function onSessionLost(handler) {
  lostHandler = handler || defaultLostHandler;
}

function notifyLost(error) {
  lostHandler(error);
}

module.exports = { login, ensureToken, currentUser, isManager, logout, onSessionLost, notifyLost, STATE_MESSAGES };
