// A printable device label: the device's mini program code (downloaded from the API through
// services/devices.getDeviceCode), its name and asset tag. Tap the code to preview it (save / print).
const devices = require('../../services/devices');

Component({
  properties: { device: { type: Object, value: {} } },
  data: { src: '', loading: false, error: '' },
  observers: {
    // a reprinted label (label_issued_at changes) has a new code
    'device.id, device.label_issued_at': function onDevice(id) {
      if (id) this.load();
      else this.setData({ src: '', loading: false, error: '' });
    },
  },
  methods: {
    load() {
      const { id } = this.data.device;
      this.setData({ loading: true, error: '' });
      return devices.getDeviceCode(id).then(
        (src) => {
          if (this.data.device.id === id) this.setData({ src, loading: false });
        },
        (error) => {
          if (this.data.device.id === id) this.setData({ src: '', loading: false, error: (error && error.message) || '设备码加载失败' });
        },
      );
    },
    onRetry() {
      return this.load();
    },
    onPreview() {
      if (this.data.src) wx.previewImage({ urls: [this.data.src], current: this.data.src });
    },
  },
});
