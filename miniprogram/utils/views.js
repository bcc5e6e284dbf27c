/** Shape API objects for display: Chinese labels, Shanghai times, yuan. */
const L = require('./labels');
const { formatTime } = require('./time');
const { yuan } = require('./money');

/** names: {department id: name}; categories: {category id: name} (services/categories.categoryNames). */
// Loans past due that are still out: the banner says 已逾期 in red, not 使用中 in green.
const OUT_STATUSES = ['approved', 'in_use', 'return_requested'];

/** The waiting list (issue 12 part 3) of a pending loan: `queue` {position, length, free, waiting}. */
function queueView(loan) {
  const q = loan.status === 'pending' && loan.queue;
  if (!q) return { queueText: '', queueWaiting: false, queueHead: false };
  return {
    queueWaiting: Boolean(q.waiting),
    queueHead: q.position === 1,
    queueText: q.waiting ? `排队中 第 ${q.position} 位（共 ${q.length} 人）` : `第 ${q.position} 位，有可分配设备`,
  };
}

function actorText(entry, names) {
  if (entry.actor === 'system') return '系统';
  const name = entry.actor_name || (entry.actor && entry.actor.name);
  if (!name) return (entry.actor && entry.actor.openid) || entry.actor || '';
  const dept = entry.actor_department_name || names[entry.actor_department_id] || '';
  return dept ? `${name}（${dept}）` : name;
}

function loanView(loan, names = {}, categories = {}) {
  const overdueOut = Boolean(loan.overdue) && OUT_STATUSES.includes(loan.status);
  const statusText = L.label(L.LOAN_STATUS, loan.status);
  const statusTag = L.LOAN_STATUS_TAG[loan.status] || 'default';
  return {
    ...loan,
    ...queueView(loan),
    bannerText: overdueOut ? `已逾期 · ${statusText}` : statusText,
    bannerTag: overdueOut ? 'danger' : statusTag,
    applicantName: loan.applicant_name || '',
    applicantPhone: loan.applicant_phone || '',
    approvedByText: loan.approved_by === 'system' ? '系统自动预留' : (loan.approved_by_name || ''),
    categoryName: categories[loan.category_id] || loan.category_id || '',
    statusText,
    statusTag,
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
      actorText: actorText(entry, names),
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
    // the waiting list and the emergency reserve (issue 12 part 3): the last `emergency_reserve` available
    // devices are held for emergencies; routine/urgent requests see `available_to_routine`
    reserve: category.emergency_reserve || 0,
    availableToRoutine: typeof category.available_to_routine === 'number' ? category.available_to_routine
      : Math.max(0, (a.available || 0) - (category.emergency_reserve || 0)),
    queueLength: category.queue_length || 0,
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
