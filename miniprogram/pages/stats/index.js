// Managers: per-category statistics for a period (loans, device-hours, utilization, damage, revenue, benefit).
// The API counts whole Beijing days from..to (docs/statistics.md): the pickers are Beijing days; the default
// period is this month (Beijing time) up to today.
const reports = require('../../services/reports');
const categories = require('../../services/categories');
const { statsRows } = require('../../utils/stats-view');
const { shanghaiDate, shanghaiMonthStart } = require('../../utils/time');
const { runLoad } = require('../../utils/load');

Component({
  data: { loading: true, error: '', from: '', to: '', rows: [], utilizationBars: [], loanBars: [] },
  methods: {
    onLoad() {
      this.setData({ from: shanghaiMonthStart(), to: shanghaiDate() });
      return this.reload();
    },
    reload() {
      return runLoad(this, async () => {
        const [stats, names] = await Promise.all([
          reports.getStats({ from: this.data.from, to: this.data.to }),
          categories.categoryNames(),
        ]);
        const rows = statsRows(stats, names);
        return {
          rows,
          utilizationBars: rows.map((r) => ({ label: r.name, value: Number(r.utilization) || 0, valueText: r.utilizationText })),
          loanBars: rows.map((r) => ({ label: r.name, value: r.loans, valueText: `${r.loans} 次` })),
        };
      });
    },
    onFrom(event) {
      this.setData({ from: event.detail.value });
      return this.reload();
    },
    onTo(event) {
      this.setData({ to: event.detail.value });
      return this.reload();
    },
  },
});
