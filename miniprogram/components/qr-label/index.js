// A printable label: QR code of the device's code text, its name and asset tag.
const { qrDataUrl } = require('../../utils/qr');
const { deviceCodeText } = require('../../utils/device-code');

Component({
  properties: { device: { type: Object, value: {} } },
  data: { src: '' },
  observers: {
    device(device) {
      this.setData({ src: device && device.id ? qrDataUrl(deviceCodeText(device.id)) : '' });
    },
  },
});
