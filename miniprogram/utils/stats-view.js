/** Shape GET /stats rows (`categories`, per category) for the cards and charts. */
const { money, count, percent } = require('./format');

function statsRows(stats, names = {}) {
  const items = (stats && stats.categories) || [];
  return items.map((s) => {
    const hours = s.device_hours;
    return {
      ...s,
      name: s.name || names[s.category_id] || s.category_id,
      loans: s.loans || 0,
      loansText: count(s.loans || 0),
      hoursText: hours !== undefined && hours !== null ? `${count(hours)} 小时` : '',
      utilizationText: percent(s.utilization),
      damageText: percent(s.damage_rate),
      revenueText: money(s.revenue_fen),
      overdueText: percent(s.overdue_rate),
      benefitText: percent(s.benefit_rate),
    };
  });
}

module.exports = { statsRows };
