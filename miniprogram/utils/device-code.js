/**
 * Reading a scanned device code. A device's label carries the WeChat mini program code the API serves
 * (GET /devices/{id}/code): its scene is `<asset tag>.<label secret>`, and WeChat's scanner gives its path
 * `pages/device-detail/index?scene=<scene>` (the local WeChat stand-in draws a plain QR code of that same
 * text; a label scanned with WeChat itself opens the device page with the scene in its options). The API
 * takes the whole scene as proof that the device is at hand (hand-over, return). Labels printed by earlier
 * versions carry 'medpool:device:<id>' or a scene without a secret: they still name the device, and the
 * API refuses them as proof (422 invalid_scan) until the label is reprinted.
 */
const config = require('../config/index');

const SEPARATOR = '.';

/** The device a scene names: the asset tag before the label secret. */
function deviceIdOfScene(scene) {
  return scene ? scene.split(SEPARATOR)[0] || null : null;
}

/** The scene a page was opened with (page options' `scene`, URL-encoded by WeChat), or ''. */
function sceneOfOptions(query) {
  if (!query || !query.scene) return '';
  try {
    return decodeURIComponent(query.scene);
  } catch (error) {
    return '';
  }
}

/** A wx.scanCode result (or its text) as { deviceId, scene }, or null when it is no device code. */
function readDeviceCode(scan) {
  if (!scan) return null;
  const text = typeof scan === 'string' ? scan : (scan.result || '');
  const pathText = typeof scan === 'string' ? '' : (scan.path || '');
  let scene = '';
  if (text.startsWith(config.deviceCodePrefix)) scene = text.slice(config.deviceCodePrefix.length);
  else {
    const match = /[?&]scene=([^&]+)/.exec(pathText || text);
    if (match) scene = sceneOfOptions({ scene: match[1] });
  }
  const deviceId = deviceIdOfScene(scene);
  return deviceId ? { deviceId, scene } : null;
}

/** The device id of a scanned code, or null. */
function parseDeviceCode(scan) {
  const code = readDeviceCode(scan);
  return code ? code.deviceId : null;
}

module.exports = { parseDeviceCode, readDeviceCode, sceneOfOptions, deviceIdOfScene };
