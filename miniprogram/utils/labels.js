/** Chinese labels and tag colours for the API's codes. */
const LOAN_STATUS = {
  pending: '待审批', approved: '待交接', in_use: '使用中', return_requested: '待确认归还',
  returned: '已归还', rejected: '已驳回', cancelled: '已取消',
};
const LOAN_STATUS_TAG = {
  pending: 'warning', approved: 'primary', in_use: 'success', return_requested: 'warning',
  returned: 'default', rejected: 'danger', cancelled: 'default',
};
const DEVICE_STATUS = { available: '可用', reserved: '已预留', on_loan: '借出中', maintenance: '维修中', retired: '已报废' };
const DEVICE_STATUS_TAG = { available: 'success', reserved: 'primary', on_loan: 'warning', maintenance: 'danger', retired: 'default' };
const URGENCY = { routine: '常规', urgent: '紧急', emergency: '抢救' };
const URGENCY_TAG = { routine: 'default', urgent: 'warning', emergency: 'danger' };
const ROLE = { applicant: '申请方', manager: '管理方', admin: '管理员' };
const USER_STATUS = { pending: '待审核', active: '正常', rejected: '已拒绝', disabled: '已停用' };
const CONDITION = { ok: '完好', damaged: '损坏' };
const RATE_UNIT = { hour: '小时', day: '天' };
const ACTION = {
  created: '提交申请', requested: '提交申请', approved: '批准并分配设备', rejected: '驳回申请',
  cancelled: '取消申请', handed_over: '完成交接', handover: '完成交接', return_requested: '申请归还',
  returned: '确认归还', confirm_return: '确认归还', overdue: '已逾期',
};

const NOTIFICATION_EVENT = {
  loan_approved: '申请已批准', loan_rejected: '申请被驳回', loan_handed_over: '设备已交接', loan_returned: '归还已确认',
  loan_due_soon: '即将到期', loan_overdue: '借用逾期', new_request: '新的借用申请',
};
const NOTIFICATION_STATE = {
  pending: '待发送', sent: '已发送', not_subscribed: '用户未订阅', failed: '发送失败', in_app: '仅站内消息',
};
const NOTIFICATION_STATE_TAG = { pending: 'warning', sent: 'success', not_subscribed: 'default', failed: 'danger', in_app: 'default' };

const label = (table, code) => (code && table[code]) || code || '';

module.exports = {
  LOAN_STATUS, LOAN_STATUS_TAG, DEVICE_STATUS, DEVICE_STATUS_TAG, URGENCY, URGENCY_TAG, ROLE, USER_STATUS,
  CONDITION, RATE_UNIT, ACTION, NOTIFICATION_EVENT, NOTIFICATION_STATE, NOTIFICATION_STATE_TAG, label,
};
