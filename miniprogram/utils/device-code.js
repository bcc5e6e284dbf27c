/**
 * A device's code: a plain QR code with 'medpool:device:<id>' (local, and printable labels), or a WeChat
 * mini program code whose path carries scene=<id>. Parsing accepts both.
 */
const config = require('../config/index');

function deviceCodeText(deviceId) {
  return `${config.deviceCodePrefix}${deviceId}`;
}

function parseDeviceCode(scan) {
  if (!scan) return null;
  const text = typeof scan === 'string' ? scan : (scan.result || '');
  const pathText = typeof scan === 'string' ? '' : (scan.path || '');
  if (text.startsWith(config.deviceCodePrefix)) return text.slice(config.deviceCodePrefix.length) || null;
  const match = /[?&]scene=([^&]+)/.exec(pathText || text);
  if (match) return decodeURIComponent(match[1]) || null;
  return null;
}

module.exports = { deviceCodeText, parseDeviceCode };
