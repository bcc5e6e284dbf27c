// Charts of the statistics page, drawn by uCharts (@qiun/ucharts) on canvas 2d; the heat map's cells as plain
// views (a colour per value). Pure helpers (options, colours) are exported for the tests.
const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];

/** uCharts options of a column chart: one series, one column per category. */
function columnOptions({ categories, data, name, format }) {
  return {
    type: 'column', categories, series: [{ name, data }], animation: false, background: '#FFFFFF',
    color: ['#1989FA'], padding: [15, 10, 0, 5], legend: { show: false },
    xAxis: { disableGrid: true, fontSize: 10 }, yAxis: { gridType: 'dash', data: [{ min: 0, format }] },
    extra: { column: { width: 18, activeBgColor: '#000000', activeBgOpacity: 0.08 } },
    dataLabel: true,
  };
}

/** Heat map rows for WXML: 7 weekdays x 24 hours, each cell's blue strength relative to the busiest hour. */
function heatRows(grid) {
  const max = Math.max(0, ...(grid || []).flat());
  return (grid || []).map((hours, day) => ({
    day: WEEKDAYS[day],
    cells: hours.map((value, hour) => ({
      hour, value, color: `rgba(25, 137, 250, ${max > 0 ? (0.08 + 0.92 * (value / max)).toFixed(2) : '0.04'})`,
    })),
  }));
}

/** Draw a chart on the page's <canvas type="2d" id="{{id}}">; does nothing where no canvas node exists. */
function draw(component, id, options, UCharts) {
  return new Promise((resolve) => {
    const query = component.createSelectorQuery && component.createSelectorQuery();
    if (!query) { resolve(null); return; }
    query.select(`#${id}`).fields({ node: true, size: true }).exec((res) => {
      const found = res && res[0];
      if (!found || !found.node || !found.node.getContext) { resolve(null); return; }
      const ratio = (wx.getWindowInfo ? wx.getWindowInfo() : wx.getSystemInfoSync()).pixelRatio || 1;
      const canvas = found.node;
      canvas.width = found.width * ratio;
      canvas.height = found.height * ratio;
      resolve(new UCharts({ ...options, context: canvas.getContext('2d'), width: found.width * ratio,
        height: found.height * ratio, pixelRatio: ratio }));
    });
  });
}

module.exports = { columnOptions, heatRows, draw, WEEKDAYS };
