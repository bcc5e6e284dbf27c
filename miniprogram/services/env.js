/** Which API the client talks to: the environment's base URL, or an explicit override (tests, DevTools). */
const config = require('../config/index');

const ENV_STORAGE_KEY = 'MEDPOOL_ENV';
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
    if (version && config.versionToEnvironment[version]) return config.versionToEnvironment[version];
  } catch (err) {
    // not available outside WeChat
  }
  return config.defaultEnvironment;
}

function environment() {
  return config.environments[environmentName()];
}

function baseUrl() {
  const url = baseUrlOverride || environment().apiBaseUrl;
  return (url || '').replace(/\/+$/, '');
}

function setBaseUrl(url) {
  baseUrlOverride = url || null;
}

module.exports = { environmentName, environment, baseUrl, setBaseUrl };
