/** Shape GET /stats rows (per category) for the table and charts. */
const { yuan } = require('./money');

const pct = (x) => (x === null || x === undefined ? '' : `${(Number(x) * 100).toFixed(1)}%`);

function statsRows(stats, names = {}) {
  const items = (stats && (stats.items || stats.categories)) || [];
  return items.map((s) => {
    const hours = s.device_hours !== undefined ? s.device_hours : s.device_hours_lent;
    return {
      ...s,
      name: s.category_name || names[s.category_id] || s.category_id,
      loans: s.loans || 0,
      hoursText: hours !== undefined ? `${Math.round(Number(hours))} 小时` : '',
      utilizationText: pct(s.utilization),
      damageText: pct(s.damage_rate),
      revenueText: yuan(s.revenue_fen),
      benefitText: yuan(s.benefit_fen),
    };
  });
}

module.exports = { statsRows };
