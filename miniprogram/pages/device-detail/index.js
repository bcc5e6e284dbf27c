// A device (opened from lists or by scanning its label): status, current loan, guide; managers edit,
// change status (maintenance / back in service / retire), reprint its label and see its history. Opened by
// scanning the label (options `scene` = asset tag + label secret), the ward hands over its approved loan here,
// and a manager goes on to confirm the return with that scan.
const devices = require('../../services/devices');
const loans = require('../../services/loans');
const { sceneOfOptions, deviceIdOfScene } = require('../../utils/device-code');
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
  data: {
    loading: true, error: '', busy: false, id: '', scene: '', device: {}, isManager: false, history: null,
    canHandOver: false, canTakeBack: false,
  },
  methods: {
    onLoad(query = {}) {
      // A device label's code opens this page with scene=<device id>.<label secret>.
      const scene = sceneOfOptions(query);
      const id = query.id || deviceIdOfScene(scene) || '';
      this.setData({ id, scene: scene && deviceIdOfScene(scene) === id ? scene : '', isManager: session.isManager() });
      return this.reload();
    },
    reload() {
      return runLoad(this, async () => {
        if (!this.data.id) throw new Error('缺少设备编号');
        const [device, names, cats] = await Promise.all([devices.getDevice(this.data.id), departmentNames(), categoryNames()]);
        return this.viewOf(device, names, cats);
      });
    },
    /** The device, and what its scanned label allows here (the current loan shows only to its department and managers). */
    viewOf(device, names, cats) {
      const loanStatus = device.current_loan && device.current_loan.status;
      return {
        device: deviceView(device, names, cats),
        canHandOver: Boolean(this.data.scene) && loanStatus === 'approved',
        canTakeBack: Boolean(this.data.scene) && this.data.isManager && (loanStatus === 'in_use' || loanStatus === 'return_requested'),
      };
    },
    onHandOver() {
      const loanId = this.data.device.current_loan_id;
      return runAction(this, async () => {
        await loans.handOverLoan(loanId, this.data.scene);
        showSuccess('交接完成');
        const [device, names, cats] = await Promise.all([devices.getDevice(this.data.id), departmentNames(), categoryNames()]);
        this.setData(this.viewOf(device, names, cats));
      });
    },
    onTakeBack() {
      const { current_loan_id: loanId } = this.data.device;
      wx.navigateTo({ url: `/pages/loan-detail/index?id=${encodeURIComponent(loanId)}&scene=${encodeURIComponent(this.data.scene)}` });
    },
    async onRotateLabel() {
      if (!(await confirm('重新打印标签', '将生成新的设备码，旧标签随即作废（交接、归还不再认可）。确定？'))) return undefined;
      return runAction(this, async () => {
        const [device, names, cats] = await Promise.all([devices.rotateDeviceCode(this.data.id), departmentNames(), categoryNames()]);
        this.setData({ device: { ...this.data.device, ...deviceView(device, names, cats) } });
        showSuccess('已生成新标签');
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
