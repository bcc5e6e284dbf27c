/**
 * Which API the client talks to and with which WeChat settings: the environment named by the mini program's
 * version (develop / trial / release, config/index.js), or an explicit base URL override (tests, DevTools).
 * A setting left as a `FILL_IN:` placeholder (or empty) is never used: configProblem() names what is missing,
 * the launch page shows it, and the API client refuses to call (not_configured).
 */
const config = require('../config/index');

const ENV_STORAGE_KEY = 'MEDPOOL_ENV';
const VERSION_NAMES = { develop: '开发版', trial: '体验版', release: '正式版' };
const SETTING_NAMES = { apiBaseUrl: '服务器地址', appid: 'AppID', subscribeTemplateIds: '订阅消息模板' };
let baseUrlOverride = null;

function environmentName() {
  try {
    const chosen = wx.getStorageSync(ENV_STORAGE_KEY);
    if (chosen && config.environments[chosen]) return chosen;
  } catch (err) {
    // storage unavailable: fall through
  }
  try {
    const info = wx.getAccountInfoSync();
    const version = info && info.miniProgram && info.miniProgram.envVersion;
    if (version && config.environments[version]) return version;
  } catch (err) {
    // not available outside WeChat
  }
  return config.defaultEnvironment;
}

function environment() {
  return config.environments[environmentName()];
}

/** A value that may be used: set, and not a FILL_IN placeholder. */
const isSet = (value) => typeof value === 'string' && value.trim() !== '' && !value.startsWith(config.FILL_IN);

/** The settings of this version still to fill in (e.g. ['apiBaseUrl', 'subscribeTemplateIds']). */
function missingSettings() {
  const env = environment();
  const missing = [];
  if (!baseUrlOverride && !isSet(env.apiBaseUrl)) missing.push('apiBaseUrl');
  if (!isSet(env.appid)) missing.push('appid');
  const ids = env.subscribeTemplateIds || {};
  if (!Object.keys(ids).length || Object.values(ids).some((id) => !isSet(id))) missing.push('subscribeTemplateIds');
  return missing;
}

/** The appid this version was configured for differs from the running mini program's. */
function appidMismatch() {
  const { appid } = environment();
  if (!isSet(appid) || appid === 'touristappid') return false;
  try {
    const running = wx.getAccountInfoSync().miniProgram.appId;
    return Boolean(running) && running !== appid;
  } catch (err) {
    return false;
  }
}

/** '' when this version is ready; otherwise what is wrong, in words for the person who reads it (Chinese). */
function configProblem() {
  const version = VERSION_NAMES[environmentName()] || environmentName();
  const missing = missingSettings();
  if (missing.length) return `${version}未完成发布配置（缺少：${missing.map((m) => SETTING_NAMES[m]).join('、')}），请联系管理员`;
  if (appidMismatch()) return `${version}配置的 AppID 与当前小程序不一致，请联系管理员`;
  return '';
}

function baseUrl() {
  const url = baseUrlOverride || environment().apiBaseUrl;
  return isSet(url) ? url.replace(/\/+$/, '') : '';
}

/** Template ids by name; placeholders are left out (never sent to WeChat). */
function templateIds() {
  const out = {};
  Object.entries(environment().subscribeTemplateIds || {}).forEach(([name, id]) => {
    if (isSet(id)) out[name] = id;
  });
  return out;
}

function setBaseUrl(url) {
  baseUrlOverride = url || null;
}

module.exports = { environmentName, environment, baseUrl, setBaseUrl, templateIds, missingSettings, configProblem, isSet };
