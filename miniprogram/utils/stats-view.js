/** Shape GET /stats rows (`categories`, per category) for the table and charts. */
const { yuan } = require('./money');

const pct = (x) => (x === null || x === undefined ? '' : `${(Number(x) * 100).toFixed(1)}%`);

function statsRows(stats, names = {}) {
  const items = (stats && stats.categories) || [];
  return items.map((s) => {
    const hours = s.device_hours;
    return {
      ...s,
      name: s.name || names[s.category_id] || s.category_id,
      loans: s.loans || 0,
      hoursText: hours !== undefined ? `${Math.round(Number(hours))} 小时` : '',
      utilizationText: pct(s.utilization),
      damageText: pct(s.damage_rate),
      revenueText: yuan(s.revenue_fen),
      overdueText: pct(s.overdue_rate),
      benefitText: pct(s.benefit_rate),
    };
  });
}

module.exports = { statsRows };
