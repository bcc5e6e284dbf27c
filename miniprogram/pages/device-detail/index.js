// A device (opened from lists or by scanning its label): status, current loan, guide; managers edit,
// change status (maintenance / back in service / retire), reprint its label and see its history. Opened by
// scanning the label (options `scene` = asset tag + label secret), the ward hands over its approved loan here,
// and a manager goes on to confirm the return with that scan. A returned device waits for its disinfection
// (待消毒): a manager records it with the label scanned here (or scans it now). Managers also see the next
// maintenance / calibration dates (red when past: the device is not lent) and record a completed one.
const devices = require('../../services/devices');
const loans = require('../../services/loans');
const { sceneOfOptions, deviceIdOfScene } = require('../../utils/device-code');
const session = require('../../services/session');
const { departmentNames } = require('../../services/departments');
const { categoryNames } = require('../../services/categories');
const { deviceView, loanView } = require('../../utils/views');
const { runLoad, runAction } = require('../../utils/load');
const { actionSheet, confirm, prompt, showSuccess } = require('../../utils/feedback');
const { scanDevice } = require('../../utils/scan');
const { DISINFECTION_METHOD, UPKEEP_KIND, UPKEEP_RESULT } = require('../../utils/labels');

const METHODS = Object.keys(DISINFECTION_METHOD);
const KINDS = Object.keys(UPKEEP_KIND);
const RESULTS = Object.keys(UPKEEP_RESULT);

/** today + days as a Beijing calendar day (YYYY-MM-DD), for the next due date's default. */
function beijingDayAfter(days, now = Date.now()) {
  return new Date(now + 8 * 3600 * 1000 + days * 86400 * 1000).toISOString().slice(0, 10);
}

const DOSSIER_FORMATS = [{ format: 'pdf', text: 'PDF（打印、转发）' }, { format: 'xlsx', text: 'Excel 表格' }];

/** The current loan as the borrowing department and its due time (its number only when it is not readable here). */
function currentLoanText(device, names) {
  const loan = device.current_loan;
  if (!loan) return { title: '当前借用单', value: device.current_loan_id || '', label: '' };
  const view = loanView(loan, names);
  const department = device.holder_department_id ? (names[device.holder_department_id] || view.departmentName) : view.departmentName;
  return {
    title: '借用科室',
    value: department,
    label: `${view.statusText} · 应还 ${view.expectedReturnText}${view.overdue ? '（已逾期）' : ''}${view.applicantName ? ` · ${view.applicantName}` : ''}`,
  };
}

const STATUS_CHOICES = [
  { status: 'maintenance', text: '送修 / 校准' },
  { status: 'available', text: '恢复可用' },
  { status: 'retired', text: '报废' },
];

Component({
  data: {
    loading: true, error: '', busy: false, id: '', scene: '', device: {}, isManager: false, history: null,
    canHandOver: false, canTakeBack: false, loanText: {},
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
        loanText: currentLoanText(device, names),
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
    /** The label's scene for a disinfection: the one this page was opened with, else scan it now. */
    async sceneForDisinfection() {
      if (this.data.scene) return this.data.scene;
      const code = await scanDevice();
      if (!code) return null;
      if (code.deviceId !== this.data.id) {
        wx.showToast({ title: '扫描的设备与当前设备不一致', icon: 'none' });
        return null;
      }
      return code.scene;
    },
    async onDisinfect() {
      const scene = await this.sceneForDisinfection();
      if (!scene) return undefined;
      const index = await actionSheet(METHODS.map((m) => DISINFECTION_METHOD[m]));
      if (index < 0) return undefined;
      const agent = await prompt('消毒剂 / 备注', '如：含氯消毒剂 500mg/L（可不填）');
      if (agent === null) return undefined;
      return runAction(this, async () => {
        const fields = { method: METHODS[index], ...(agent ? { agent } : {}) };
        const [device, names, cats] = await Promise.all([
          devices.recordDisinfection(this.data.id, { scan: scene }, fields), departmentNames(), categoryNames()]);
        this.setData({ device: { ...this.data.device, ...deviceView(device, names, cats) } });
        showSuccess('已登记消毒');
      });
    },
    async onRecordUpkeep() {
      const kindIndex = await actionSheet(KINDS.map((k) => `登记${UPKEEP_KIND[k]}`));
      if (kindIndex < 0) return undefined;
      const kind = KINDS[kindIndex];
      const resultIndex = await actionSheet(RESULTS.map((r) => UPKEEP_RESULT[r]));
      if (resultIndex < 0) return undefined;
      const result = RESULTS[resultIndex];
      const body = { kind, result };
      if (kind === 'calibration') {
        const certificate = await prompt('检定证书编号', '可不填');
        if (certificate === null) return undefined;
        if (certificate) body.certificate_no = certificate;
      }
      const interval = this.data.device[`${kind}_interval_days`];
      if (result === 'pass' && interval) body.next_due = beijingDayAfter(interval); // the category's interval
      if (result === 'fail' && !(await confirm('结果不合格', '设备将转为维修状态，停止借出。确定？'))) return undefined;
      return runAction(this, async () => {
        const [device, names, cats] = await Promise.all([
          devices.recordMaintenance(this.data.id, body), departmentNames(), categoryNames()]);
        this.setData({ device: { ...this.data.device, ...deviceView(device, names, cats) } });
        showSuccess('已登记');
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
    /** The dossier (设备档案) as PDF or xlsx, opened in WeChat's viewer, whose menu forwards or prints it. */
    async onDossier() {
      const index = await actionSheet(DOSSIER_FORMATS.map((f) => f.text));
      if (index < 0) return undefined;
      const { format } = DOSSIER_FORMATS[index];
      return runAction(this, async () => {
        const filePath = await devices.getDeviceDossier(this.data.id, format);
        wx.openDocument({ filePath, fileType: format, showMenu: true });
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
