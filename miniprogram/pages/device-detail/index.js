// A device (opened from lists or by scanning its code): status, current loan, guide; managers edit,
// change status (maintenance / back in service / retire) and see its history.
const devices = require('../../services/devices');
const session = require('../../services/session');
const { departmentNames } = require('../../services/departments');
const { categoryNames } = require('../../services/categories');
const { deviceView, loanView } = require('../../utils/views');
const { runLoad, runAction } = require('../../utils/load');
const { actionSheet, confirm, showSuccess } = require('../../utils/feedback');

const STATUS_CHOICES = [
  { status: 'maintenance', text: '送修 / 校准' },
  { status: 'available', text: '恢复可用' },
  { status: 'retired', text: '报废' },
];

Component({
  data: { loading: true, error: '', busy: false, id: '', device: {}, isManager: false, history: null },
  methods: {
    onLoad(query = {}) {
      // A WeChat mini program code opens this page with scene=<device id>.
      const id = query.id || (query.scene ? decodeURIComponent(query.scene) : '');
      this.setData({ id, isManager: session.isManager() });
      return this.reload();
    },
    reload() {
      return runLoad(this, async () => {
        if (!this.data.id) throw new Error('缺少设备编号');
        const [device, names, cats] = await Promise.all([devices.getDevice(this.data.id), departmentNames(), categoryNames()]);
        return { device: deviceView(device, names, cats) };
      });
    },
    onOpenLoan() {
      wx.navigateTo({ url: `/pages/loan-detail/index?id=${encodeURIComponent(this.data.device.current_loan_id)}` });
    },
    onApply() {
      wx.navigateTo({ url: `/pages/apply-form/index?device_id=${encodeURIComponent(this.data.id)}` });
    },
    onEdit() {
      wx.navigateTo({ url: `/pages/device-edit/index?id=${encodeURIComponent(this.data.id)}` });
    },
    async onChangeStatus() {
      const index = await actionSheet(STATUS_CHOICES.map((c) => c.text));
      if (index < 0) return undefined;
      const choice = STATUS_CHOICES[index];
      if (choice.status === 'retired' && !(await confirm('报废设备', '报废后设备不可再借出，确定？'))) return undefined;
      return runAction(this, async () => {
        const [device, names, cats] = await Promise.all([
          devices.updateDevice(this.data.id, { status: choice.status }), departmentNames(), categoryNames()]);
        this.setData({ device: deviceView(device, names, cats) });
        showSuccess('状态已更新');
      });
    },
    onHistory() {
      return runAction(this, async () => {
        const [page, names, cats] = await Promise.all([devices.getDeviceHistory(this.data.id), departmentNames(), categoryNames()]);
        const loans = (page.items || page.loans || []).filter((item) => item && item.status);
        this.setData({ history: loans.map((l) => loanView(l, names, cats)) });
      });
    },
  },
});
