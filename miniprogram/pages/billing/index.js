// Managers: per-department charges (as borrower) and credits (as owner) for a month; xlsx / csv export.
const reports = require('../../services/reports');
const { departmentNames } = require('../../services/departments');
const { shanghaiMonth } = require('../../utils/time');
const { money, balance } = require('../../utils/format');
const { runLoad, runAction } = require('../../utils/load');
const { showError } = require('../../utils/feedback');

function billingRows(billing, names) {
  const items = (billing && billing.departments) || [];
  return items.map((b) => {
    const charges = b.charges_fen || 0;
    const credits = b.credits_fen || 0;
    const net = balance(b.net_fen !== undefined && b.net_fen !== null ? b.net_fen : credits - charges);
    return {
      ...b, name: b.name || names[b.department_id] || b.department_id,
      chargesText: money(charges), creditsText: money(credits), netText: net.text,
      netClass: { 1: 'td--credit', '-1': 'td--owed', 0: '' }[net.sign],
    };
  });
}

Component({
  data: { loading: true, error: '', busy: false, month: '', rows: [], totals: {}, file: null },
  methods: {
    onLoad() {
      this.setData({ month: shanghaiMonth() });
      return this.reload();
    },
    reload() {
      return runLoad(this, async () => {
        const [billing, names] = await Promise.all([reports.getBilling({ month: this.data.month }), departmentNames()]);
        const rows = billingRows(billing, names);
        const sum = (key) => rows.reduce((total, r) => total + (r[key] || 0), 0);
        return { rows, totals: { chargesText: money(sum('charges_fen')), creditsText: money(sum('credits_fen')) } };
      });
    },
    onMonth(event) {
      this.setData({ month: event.detail.value });
      return this.reload();
    },
    /**
     * Download the month's file; an xlsx opens at once. WeChat lets a file be shared to a chat only from a tap
     * (wx.shareFileMessage), so the downloaded file gets its own 分享到聊天 button.
     */
    onExport(event) {
      const { format } = event.currentTarget.dataset;
      return runAction(this, async () => {
        const filePath = await reports.downloadBilling({ month: this.data.month, format });
        const file = { path: filePath, name: `设备调配计费-${this.data.month}.${format}`, format };
        this.setData({ file });
        if (format === 'xlsx') wx.openDocument({ filePath, fileType: 'xlsx', showMenu: true });
      });
    },
    onShare() {
      const { file } = this.data;
      if (!file) return;
      wx.shareFileMessage({
        filePath: file.path,
        fileName: file.name,
        fail: (error) => {
          if (/cancel/.test((error && error.errMsg) || '')) return;
          showError({ message: '分享失败：请确认已安装最新版微信，或先“打开”文件再从右上角转发' });
        },
      });
    },
    onOpenFile() {
      const { file } = this.data;
      if (!file) return;
      wx.openDocument({
        filePath: file.path, fileType: file.format, showMenu: true,
        fail: () => showError({ message: '无法打开文件：请用“分享到聊天”发送后在电脑上打开' }),
      });
    },
  },
});
