/** Scan a device code with the camera; resolves with the device id, or null when cancelled/not a device code. */
const { parseDeviceCode } = require('./device-code');

function scanDeviceId() {
  return new Promise((resolve) => {
    wx.scanCode({
      scanType: ['qrCode', 'wxCode'],
      success: (res) => {
        const id = parseDeviceCode(res);
        if (!id) wx.showToast({ title: '不是本平台的设备码', icon: 'none' });
        resolve(id);
      },
      fail: () => resolve(null),
    });
  });
}

module.exports = { scanDeviceId };
