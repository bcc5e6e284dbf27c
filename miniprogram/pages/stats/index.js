// Managers: per-category statistics for a period (loans, device-hours, utilization, damage, revenue, benefit),
// drawn by uCharts, and the purchase-decision report (GET /stats/purchase): the recommendation in one sentence
// per category and a category's use by weekday and hour (heat map). The API counts whole Beijing days
// from..to (docs/statistics.md): the pickers are Beijing days; the default period is this month up to today.
const reports = require('../../services/reports');
const categories = require('../../services/categories');
const { statsRows } = require('../../utils/stats-view');
const { shanghaiDate, shanghaiMonthStart } = require('../../utils/time');
const { runLoad } = require('../../utils/load');
const { columnOptions, heatRows, draw } = require('./charts');

function chartLibrary() {
  const lib = require('./ucharts'); // uCharts' build, in this page's subpackage (scripts/build-npm.js)
  return lib.default || lib;
}

Component({
  data: {
    loading: true, error: '', from: '', to: '', rows: [],
    purchase: [], purchaseError: '', heatIndex: 0, heatNames: [], heat: [], heatCategory: '',
  },
  methods: {
    onLoad() {
      this.setData({ from: shanghaiMonthStart(), to: shanghaiDate() });
      return this.reload();
    },
    async reload() {
      const period = { from: this.data.from, to: this.data.to };
      const purchase = this.loadPurchase(period);
      const ok = await runLoad(this, async () => {
        const [stats, names] = await Promise.all([reports.getStats(period), categories.categoryNames()]);
        return { rows: statsRows(stats, names) };
      });
      if (ok) await this.drawCharts();
      await purchase;
      return ok;
    },
    /** The purchase report: its own error line, so the statistics show even if it fails. */
    async loadPurchase(period) {
      try {
        const report = await reports.getPurchase(period);
        const purchase = (report.categories || []).map((c) => ({
          category_id: c.category_id, name: c.name, sentence: c.sentence, heatmap: c.heatmap,
          recommended: c.recommendation.devices, current: c.current_devices, peak: c.peak_in_use,
          waited: c.waits.total.count, cancelled: c.cancelled_while_waiting, noneHours: c.hours_none_available,
        }));
        this.setData({ purchase, purchaseError: '', heatNames: purchase.map((c) => c.name) });
        this.showHeat(Math.min(this.data.heatIndex, Math.max(0, purchase.length - 1)));
      } catch (error) {
        this.setData({ purchase: [], purchaseError: (error && error.message) || '购置依据加载失败' });
      }
    },
    showHeat(index) {
      const chosen = this.data.purchase[index];
      this.setData({ heatIndex: index, heat: chosen ? heatRows(chosen.heatmap) : [], heatCategory: chosen ? chosen.name : '' });
    },
    onHeatCategory(event) {
      this.showHeat(Number(event.detail.value) || 0);
    },
    async drawCharts() {
      const rows = this.data.rows;
      if (!rows.length) return;
      let UCharts;
      try {
        UCharts = chartLibrary();
      } catch (error) {
        return; // no npm build (e.g. tests): the cards below still show every figure
      }
      const names = rows.map((r) => r.name);
      this.charts = await Promise.all([
        draw(this, 'utilization', columnOptions({ categories: names, name: '利用率', format: (v) => `${Math.round(v * 100)}%`,
          data: rows.map((r) => Number(r.utilization) || 0) }), UCharts),
        draw(this, 'loans', columnOptions({ categories: names, name: '借用次数', data: rows.map((r) => r.loans) }), UCharts),
      ]);
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
