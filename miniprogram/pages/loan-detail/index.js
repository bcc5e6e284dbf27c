// A loan with its timeline and the actions of the loop: cancel, approve (pick or scan a device),
// reject (reason), hand over (scan the device code, sent to the API), request return, confirm return (condition).
const loans = require('../../services/loans');
const devices = require('../../services/devices');
const session = require('../../services/session');
const { departmentNames } = require('../../services/departments');
const { categoryNames } = require('../../services/categories');
const { loanView } = require('../../utils/views');
const { loanActions } = require('../../utils/loan-actions');
const { runLoad, runAction } = require('../../utils/load');
const { confirm, prompt, showSuccess } = require('../../utils/feedback');
const { scanDeviceId } = require('../../utils/scan');

Component({
  data: {
    loading: true, error: '', busy: false, id: '', loan: {}, can: {},
    picking: false, candidates: [], pickedDevice: '', returning: false, condition: 'ok', note: '',
  },
  methods: {
    onLoad(query = {}) {
      this.setData({ id: query.id || '' });
      return this.reload();
    },
    reload() {
      return runLoad(this, async () => {
        const [loan, names, cats] = await Promise.all([loans.getLoan(this.data.id), departmentNames(), categoryNames()]);
        return this.viewOf(loan, names, cats);
      });
    },
    viewOf(loan, names, cats) {
      return { loan: loanView(loan, names, cats), can: loanActions(loan, session.currentUser()), picking: false, returning: false };
    },
    async apply(action, message) {
      return runAction(this, async () => {
        await action();
        showSuccess(message);
        const [loan, names, cats] = await Promise.all([loans.getLoan(this.data.id), departmentNames(), categoryNames()]);
        this.setData(this.viewOf(loan, names, cats));
      });
    },
    onOpenDevice() {
      if (this.data.loan.device_id) wx.navigateTo({ url: `/pages/device-detail/index?id=${encodeURIComponent(this.data.loan.device_id)}` });
    },
    async onApprove() {
      const { loan } = this.data;
      await runAction(this, async () => {
        const page = await devices.listDevices({ category_id: loan.category_id, status: 'available' });
        const candidates = page.items || [];
        const preferred = loan.device_id && candidates.find((d) => d.id === loan.device_id);
        this.setData({ picking: true, candidates, pickedDevice: preferred ? preferred.id : (candidates[0] && candidates[0].id) || '' });
      });
    },
    onPickDevice(event) {
      this.setData({ pickedDevice: event.detail });
    },
    async onScanAssign() {
      const id = await scanDeviceId();
      if (id) this.setData({ pickedDevice: id });
    },
    onConfirmApprove() {
      const deviceId = this.data.pickedDevice;
      return this.apply(() => loans.approveLoan(this.data.id, deviceId), '已批准');
    },
    async onReject() {
      const reason = await prompt('驳回原因', '请填写驳回原因');
      if (reason === null) return undefined;
      if (!reason) {
        wx.showToast({ title: '请填写驳回原因', icon: 'none' });
        return undefined;
      }
      return this.apply(() => loans.rejectLoan(this.data.id, reason), '已驳回');
    },
    // Scan first; the API checks the scanned device against the assigned one (422 wrong_device, its message shown).
    async onHandover() {
      if (this.data.busy) return undefined;
      const deviceId = await scanDeviceId();
      if (!deviceId) return undefined;
      return this.apply(() => loans.handOverLoan(this.data.id, deviceId), '交接完成');
    },
    async onRequestReturn() {
      if (!(await confirm('申请归还', '确认设备已停止使用，申请归还？'))) return undefined;
      return this.apply(() => loans.requestReturn(this.data.id), '已申请归还');
    },
    onStartReturn() {
      this.setData({ returning: true, condition: 'ok', note: '' });
    },
    onCondition(event) {
      this.setData({ condition: event.detail });
    },
    onNote(event) {
      this.setData({ note: event.detail });
    },
    onConfirmReturn() {
      const { condition, note } = this.data;
      return this.apply(() => loans.confirmReturn(this.data.id, condition, (note || '').trim()), '已确认归还');
    },
    async onCancel() {
      if (!(await confirm('取消申请', '确定取消这条借用申请？'))) return undefined;
      return this.apply(() => loans.cancelLoan(this.data.id), '已取消');
    },
  },
});
