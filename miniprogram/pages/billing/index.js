// Managers: per-department charges (as borrower) and credits (as owner) for a month; xlsx / csv export.
const reports = require('../../services/reports');
const { departmentNames } = require('../../services/departments');
const { shanghaiMonth } = require('../../utils/time');
const { money, balance } = require('../../utils/format');
const { runLoad, runAction } = require('../../utils/load');

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
  data: { loading: true, error: '', busy: false, month: '', rows: [], totals: {} },
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
    onExport(event) {
      const { format } = event.currentTarget.dataset;
      return runAction(this, async () => {
        const filePath = await reports.downloadBilling({ month: this.data.month, format });
        if (format === 'xlsx') {
          wx.openDocument({ filePath, fileType: 'xlsx', showMenu: true });
        } else {
          wx.shareFileMessage({ filePath, fileName: `medpool-billing-${this.data.month}.csv` });
        }
      });
    },
  },
});
