/** Scan a device code with the camera. */
const { readDeviceCode } = require('./device-code');

/** Resolves with { deviceId, scene } (the scene is the hand-over's proof), or null when cancelled/not a device code. */
function scanDevice() {
  return new Promise((resolve) => {
    wx.scanCode({
      scanType: ['qrCode', 'wxCode'],
      success: (res) => {
        const code = readDeviceCode(res);
        if (!code) wx.showToast({ title: '不是本平台的设备码', icon: 'none' });
        resolve(code);
      },
      fail: () => resolve(null),
    });
  });
}

/** Resolves with the scanned device's id, or null (to find or pick a device). */
function scanDeviceId() {
  return scanDevice().then((code) => (code ? code.deviceId : null));
}

module.exports = { scanDevice, scanDeviceId };
