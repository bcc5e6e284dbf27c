/**
 * Reading a scanned device code. A device's code is the WeChat mini program code the API serves
 * (GET /devices/{id}/code): WeChat's scanner gives its path `pages/device-detail/index?scene=<id>`; the
 * local WeChat stand-in draws a plain QR code of that same text. Labels printed by earlier versions of
 * the app carry 'medpool:device:<id>' and are still understood.
 */
const config = require('../config/index');

function parseDeviceCode(scan) {
  if (!scan) return null;
  const text = typeof scan === 'string' ? scan : (scan.result || '');
  const pathText = typeof scan === 'string' ? '' : (scan.path || '');
  if (text.startsWith(config.deviceCodePrefix)) return text.slice(config.deviceCodePrefix.length) || null;
  const match = /[?&]scene=([^&]+)/.exec(pathText || text);
  if (match) return decodeURIComponent(match[1]) || null;
  return null;
}

module.exports = { parseDeviceCode };
