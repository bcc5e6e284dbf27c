/** Shape API objects for display: Chinese labels, Shanghai times, yuan. */
const L = require('./labels');
const { formatTime } = require('./time');
const { yuan } = require('./money');

/** names: {department id: name}; categories: {category id: name} (services/categories.categoryNames). */
function loanView(loan, names = {}, categories = {}) {
  return {
    ...loan,
    categoryName: categories[loan.category_id] || loan.category_id || '',
    statusText: L.label(L.LOAN_STATUS, loan.status),
    statusTag: L.LOAN_STATUS_TAG[loan.status] || 'default',
    urgencyText: L.label(L.URGENCY, loan.urgency),
    urgencyTag: L.URGENCY_TAG[loan.urgency] || 'default',
    isEmergency: loan.urgency === 'emergency',
    departmentName: names[loan.department_id] || loan.department_id || '',
    requestedAtText: formatTime(loan.requested_at),
    expectedReturnText: formatTime(loan.expected_return_at),
    handedOverAtText: formatTime(loan.handed_over_at),
    returnedAtText: formatTime(loan.returned_at),
    chargeText: yuan(loan.charge_fen),
    conditionText: L.label(L.CONDITION, loan.condition),
    recallStateText: L.label(L.RECALL_STATE, loan.recall_state),
    recallOpen: loan.status === 'in_use' && loan.recall_state === 'requested',
    recallRefused: loan.status === 'in_use' && loan.recall_state === 'refused',
    recallReturnByText: formatTime(loan.recall_return_by),
    recalledAtText: formatTime(loan.recalled_at),
    timeline: (loan.timeline || []).map((entry) => ({
      ...entry,
      atText: formatTime(entry.at),
      actionText: L.label(L.ACTION, entry.action),
      actorText: (entry.actor && (entry.actor.name || entry.actor.openid)) || entry.actor_name || entry.actor || '',
    })),
  };
}

function deviceView(device, names = {}, categories = {}) {
  return {
    ...device,
    categoryName: categories[device.category_id] || device.category_id || '',
    statusText: L.label(L.DEVICE_STATUS, device.status),
    statusTag: L.DEVICE_STATUS_TAG[device.status] || 'default',
    ownerName: names[device.owner_department_id] || device.owner_department_id || '',
    priceText: yuan(device.purchase_price_fen),
    maintenanceText: device.next_maintenance_due ? `${device.next_maintenance_due}${device.maintenance_overdue ? '（已过期，停借）' : ''}` : '未设置',
    calibrationText: device.next_calibration_due ? `${device.next_calibration_due}${device.calibration_overdue ? '（已过期，停借）' : ''}` : '未设置',
    waitingText: typeof device.waiting_hours === 'number' ? `已等待 ${device.waiting_hours.toFixed(1)} 小时` : '',
  };
}

function categoryView(category) {
  const a = category.availability || {};
  return {
    ...category,
    available: a.available || 0,
    reserved: a.reserved || 0,
    onLoan: a.on_loan || 0,
    cleaning: a.cleaning || 0,
    maintenance: a.maintenance || 0,
    rateText: category.rate_fen !== undefined ? `${yuan(category.rate_fen)}/${L.label(L.RATE_UNIT, category.rate_unit)}` : '',
  };
}

function userView(user, names = {}) {
  return {
    ...user,
    roleText: L.label(L.ROLE, user.role),
    statusText: L.label(L.USER_STATUS, user.status),
    departmentName: names[user.department_id] || user.department_id || '',
  };
}

module.exports = { loanView, deviceView, categoryView, userView };
