// A loan with its timeline and the actions of the loop: cancel, approve (pick or scan a device),
// reject (reason), hand over (scan the device's label: its scene goes to the API; managers may type the asset tag
// instead), extend (续借: managers pick a new return time in Shanghai, sent as UTC, with a reason), request return,
// confirm return (condition, the device's label scanned or its asset tag typed), recall (调回: managers pick a
// reason chip and an earlier return time; the ward sees a red banner and answers 同意归还 / 无法归还 with a reason). Opened from a device page that was
// itself opened by scanning the label (options `scene`), hand-over and return use that scan.
const loans = require('../../services/loans');
const devices = require('../../services/devices');
const session = require('../../services/session');
const { departmentNames } = require('../../services/departments');
const { categoryNames } = require('../../services/categories');
const { loanView } = require('../../utils/views');
const { loanActions } = require('../../utils/loan-actions');
const { runLoad, runAction } = require('../../utils/load');
const { confirm, prompt, showSuccess } = require('../../utils/feedback');
const { scanDevice, scanDeviceId } = require('../../utils/scan');
const { sceneOfOptions } = require('../../utils/device-code');
const { shanghaiDate, shanghaiClock, toUtcIso } = require('../../utils/time');

const EXTEND_DEFAULT_HOURS = 24;
const RECALL_DEFAULT_HOURS = 2;
const REASON_MAX = 500;
const RECALL_REASONS = ['急诊抢救需要', '其他科室急需', '设备需维护或检定', '全院设备调配'];
// A request on the waiting list is read again this often while its page is shown (its position changes).
const QUEUE_REFRESH_MS = 30 * 1000;

/** Default new return time: 24 hours after the current due time, or after now when that is already past. */
function defaultExtension(expectedReturnAt) {
  const due = Date.parse(expectedReturnAt);
  const base = Math.max(Number.isNaN(due) ? 0 : due, Date.now());
  const at = new Date(base + EXTEND_DEFAULT_HOURS * 3600 * 1000);
  return { extendDay: shanghaiDate(at), extendClock: shanghaiClock(at) };
}

/** Default recall time: 2 hours from now, or halfway to the current due time when that is sooner. */
function defaultRecall(expectedReturnAt) {
  const now = Date.now();
  const due = Date.parse(expectedReturnAt);
  const at = new Date(Number.isNaN(due) ? now + RECALL_DEFAULT_HOURS * 3600 * 1000
    : Math.min(now + RECALL_DEFAULT_HOURS * 3600 * 1000, now + (due - now) / 2));
  return { recallDay: shanghaiDate(at), recallClock: shanghaiClock(at) };
}

Component({
  data: {
    recalling: false, recallReasons: RECALL_REASONS, recallReason: '', recallDay: '', recallClock: '',
    loading: true, error: '', busy: false, id: '', loan: {}, can: {}, scene: '', isManager: false,
    picking: false, candidates: [], pickedDevice: '', returning: false, condition: 'ok', note: '',
    extending: false, today: '', extendDay: '', extendClock: '', extendReason: '', overLimit: false, overLimitReason: '',
  },
  methods: {
    onLoad(query = {}) {
      this.setData({ id: query.id || '', scene: sceneOfOptions(query), isManager: session.isManager() });
      this.loaded = this.reload();
      return this.loaded;
    },
    /** Back on the page (not the first show): read it again; a queued request is polled while shown. */
    onShow() {
      if (this.shown) this.quietReload();
      this.shown = true;
      this.startPolling();
    },
    onHide() {
      this.stopPolling();
    },
    onUnload() {
      this.stopPolling();
    },
    startPolling() {
      this.stopPolling();
      this.timer = setInterval(() => {
        if (this.data.loan.queueText && !this.data.busy) this.quietReload();
      }, QUEUE_REFRESH_MS);
    },
    stopPolling() {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
    },
    /** The loan read again without blanking the page (a failure keeps what is shown). */
    async quietReload() {
      try {
        const [loan, names, cats] = await Promise.all([loans.getLoan(this.data.id), departmentNames(), categoryNames()]);
        if (!this.data.picking && !this.data.returning && !this.data.extending && !this.data.recalling) {
          this.setData(this.viewOf(loan, names, cats));
        }
        return true;
      } catch (error) {
        return false;
      }
    },
    reload() {
      return runLoad(this, async () => {
        const [loan, names, cats] = await Promise.all([loans.getLoan(this.data.id), departmentNames(), categoryNames()]);
        return this.viewOf(loan, names, cats);
      });
    },
    viewOf(loan, names, cats) {
      return { loan: loanView(loan, names, cats), can: loanActions(loan, session.currentUser()), picking: false, returning: false, extending: false, recalling: false };
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
    /** One tap: the server picks an available device of the category (the head of the waiting list). */
    onAutoApprove() {
      return this.apply(() => loans.approveLoan(this.data.id), '已批准并分配设备');
    },
    onCall() {
      const phone = this.data.loan.applicant_phone;
      if (phone) wx.makePhoneCall({ phoneNumber: phone, fail: () => {} });
    },
    /** 重新申请 a rejected request: the form prefilled with its category, urgency and reason. */
    onReapply() {
      const { loan } = this.data;
      const reason = encodeURIComponent(loan.reason || '');
      wx.navigateTo({ url: `/pages/apply-form/index?category_id=${encodeURIComponent(loan.category_id)}&urgency=${loan.urgency}&reason=${reason}` });
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
    /** The scene of the label: the one this page was opened with, else a fresh scan (null when none). */
    async labelScene() {
      if (this.data.scene) return this.data.scene;
      const code = await scanDevice();
      return code ? code.scene : null;
    },
    // Scan first; the API checks the scene against the assigned device and its current label (its refusal shown).
    async onHandover() {
      if (this.data.busy) return undefined;
      const scene = await this.labelScene();
      if (!scene) return undefined;
      return this.apply(() => loans.handOverLoan(this.data.id, scene), '交接完成');
    },
    /** Managers only: the asset tag typed in when the label cannot be scanned (the API records it as manual). */
    async onHandoverManual() {
      const deviceId = await prompt('手工输入资产编号', '标签无法扫描时，输入设备上的资产编号');
      if (!deviceId) return undefined;
      return this.apply(() => loans.handOverByAssetTag(this.data.id, deviceId), '交接完成（手工录入）');
    },
    onStartExtend() {
      this.setData({
        extending: true, today: shanghaiDate(), extendReason: '', overLimit: false, overLimitReason: '',
        ...defaultExtension(this.data.loan.expected_return_at),
      });
    },
    onCancelExtend() {
      this.setData({ extending: false });
    },
    onExtendDay(event) {
      this.setData({ extendDay: event.detail.value });
    },
    onExtendClock(event) {
      this.setData({ extendClock: event.detail.value });
    },
    onExtendReason(event) {
      this.setData({ extendReason: event.detail });
    },
    onOverLimitReason(event) {
      this.setData({ overLimitReason: event.detail });
    },
    // The API answers the updated loan (overdue lifted); it is shown at once, then re-read for the timeline.
    // Past the category's maximum loan length it answers 422 extension_too_long: the over-limit reason field
    // appears, and the next try sends it (recorded with the extension).
    onConfirmExtend() {
      const { id, extendDay, extendClock, overLimit } = this.data;
      const reason = (this.data.extendReason || '').trim();
      const overLimitReason = (this.data.overLimitReason || '').trim();
      if (!reason) {
        wx.showToast({ title: '请填写续借原因', icon: 'none' });
        return Promise.resolve();
      }
      if (reason.length > REASON_MAX || overLimitReason.length > REASON_MAX) {
        wx.showToast({ title: `原因不能超过 ${REASON_MAX} 字`, icon: 'none' });
        return Promise.resolve();
      }
      if (overLimit && !overLimitReason) {
        wx.showToast({ title: '请填写超出上限的理由', icon: 'none' });
        return Promise.resolve();
      }
      const expectedReturnAt = toUtcIso(extendDay, extendClock);
      if (Date.parse(expectedReturnAt) <= Date.now()) {
        wx.showToast({ title: '新的归还时间须晚于现在', icon: 'none' });
        return Promise.resolve();
      }
      return runAction(this, async () => {
        const updated = await loans.extendLoan(id, expectedReturnAt, reason, overLimit ? overLimitReason : undefined)
          .catch((error) => {
            if (error && error.code === 'extension_too_long') this.setData({ overLimit: true });
            throw error;
          });
        showSuccess('已续借');
        const [names, cats] = await Promise.all([departmentNames().catch(() => ({})), categoryNames()]);
        const timeline = updated.timeline || this.data.loan.timeline;
        this.setData(this.viewOf({ ...updated, timeline }, names, cats));
        const fresh = await loans.getLoan(id).catch(() => null);
        if (fresh) this.setData(this.viewOf(fresh, names, cats));
      });
    },
    onStartRecall() {
      this.setData({ recalling: true, today: shanghaiDate(), recallReason: '', ...defaultRecall(this.data.loan.expected_return_at) });
    },
    onCancelRecall() {
      this.setData({ recalling: false });
    },
    onRecallChip(event) {
      this.setData({ recallReason: event.currentTarget.dataset.reason });
    },
    onRecallReason(event) {
      this.setData({ recallReason: event.detail });
    },
    onRecallDay(event) {
      this.setData({ recallDay: event.detail.value });
    },
    onRecallClock(event) {
      this.setData({ recallClock: event.detail.value });
    },
    // The new due time must be after now and before the current one (the API says the same: 422).
    onConfirmRecall() {
      const { id, recallDay, recallClock, loan } = this.data;
      const reason = (this.data.recallReason || '').trim();
      if (!reason || reason.length > REASON_MAX) {
        wx.showToast({ title: reason ? `原因不能超过 ${REASON_MAX} 字` : '请选择或填写调回原因', icon: 'none' });
        return Promise.resolve();
      }
      const returnBy = toUtcIso(recallDay, recallClock);
      if (Date.parse(returnBy) <= Date.now()) {
        wx.showToast({ title: '归还时间须晚于现在', icon: 'none' });
        return Promise.resolve();
      }
      if (Date.parse(returnBy) >= Date.parse(loan.expected_return_at)) {
        wx.showToast({ title: '调回时间须早于当前应还时间', icon: 'none' });
        return Promise.resolve();
      }
      return this.apply(() => loans.recallLoan(id, reason, returnBy), '已发出调回');
    },
    async onAcceptRecall() {
      const by = this.data.loan.recallReturnByText;
      if (!(await confirm('同意归还', `确认将于 ${by} 前归还设备？`))) return undefined;
      return this.apply(() => loans.answerRecall(this.data.id, { accept: true }), '已答复');
    },
    async onRefuseRecall() {
      const reason = await prompt('无法归还', '请说明理由，如：患者仍在使用');
      if (reason === null) return undefined;
      if (!reason) {
        wx.showToast({ title: '请说明无法归还的理由', icon: 'none' });
        return undefined;
      }
      return this.apply(() => loans.answerRecall(this.data.id, { accept: false, reason }), '已答复');
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
    /** The device is identified by scanning its label; `manual`: its asset tag typed in instead. */
    async onConfirmReturn(manual) {
      const { condition } = this.data;
      const note = (this.data.note || '').trim();
      let proof;
      if (manual === true) {
        const deviceId = await prompt('手工输入资产编号', '输入归还设备上的资产编号');
        if (!deviceId) return undefined;
        proof = { deviceId };
      } else {
        const scene = await this.labelScene();
        if (!scene) return undefined;
        proof = { scene };
      }
      return this.apply(() => loans.confirmReturn(this.data.id, { condition, note, ...proof }), '已确认归还');
    },
    onConfirmReturnManual() {
      return this.onConfirmReturn(true);
    },
    async onCancel() {
      if (!(await confirm('取消申请', '确定取消这条借用申请？'))) return undefined;
      return this.apply(() => loans.cancelLoan(this.data.id), '已取消');
    },
  },
});
