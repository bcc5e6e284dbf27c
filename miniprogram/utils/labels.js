/** Chinese labels and tag colours for the API's codes. */
const LOAN_STATUS = {
  pending: '待审批', approved: '待交接', in_use: '使用中', return_requested: '待确认归还',
  returned: '已归还', rejected: '已驳回', cancelled: '已取消',
};
const LOAN_STATUS_TAG = {
  pending: 'warning', approved: 'primary', in_use: 'success', return_requested: 'warning',
  returned: 'default', rejected: 'danger', cancelled: 'default',
};
const DEVICE_STATUS = {
  available: '可用', reserved: '已预留', on_loan: '借出中', cleaning: '待消毒', maintenance: '维修中', retired: '已报废',
};
const DEVICE_STATUS_TAG = {
  available: 'success', reserved: 'primary', on_loan: 'warning', cleaning: 'warning', maintenance: 'danger', retired: 'default',
};
// Disinfection methods (POST /devices/{id}/disinfection `method`), in the order a clerk picks them.
const DISINFECTION_METHOD = {
  chlorine_wipe: '含氯消毒剂擦拭', alcohol_75: '75%酒精擦拭', hydrogen_peroxide: '过氧化氢', uv: '紫外线照射', other: '其他',
};
const UPKEEP_KIND = { maintenance: '预防性维护', calibration: '计量检定' };
const UPKEEP_RESULT = { pass: '合格', fail: '不合格' };
const URGENCY = { routine: '常规', urgent: '紧急', emergency: '抢救' };
const URGENCY_TAG = { routine: 'default', urgent: 'warning', emergency: 'danger' };
const ROLE = { applicant: '科室人员', manager: '设备科人员', admin: '系统管理员' };
const USER_STATUS = { pending: '待审核', active: '正常', rejected: '已拒绝', disabled: '已停用' };
const CONDITION = { ok: '完好', damaged: '损坏' };
const RATE_UNIT = { hour: '小时', day: '天' };
// Audit actions as the API records them (records and loan timelines).
const ACTION = {
  'loan.create': '提交申请', 'loan.approve': '批准并分配设备', 'loan.reject': '驳回申请', 'loan.cancel': '取消申请',
  'loan.hand_over': '完成交接', 'loan.request_return': '申请归还', 'loan.confirm_return': '确认归还',
  'loan.overdue': '已逾期', 'loan.due_soon': '即将到期提醒', 'loan.extend': '续借', 'loan.import': '导入历史记录',
  'loan.recall': '调回', 'loan.recall_answer': '答复调回',
  'device.create': '登记设备', 'device.update': '修改设备', 'device.available': '恢复可借',
  'device.reserved': '预留给借用', 'device.on_loan': '借出', 'device.maintenance': '送修/校准',
  'device.retired': '报废', 'device.cleaning': '归还待消毒', 'device.disinfect': '清洁消毒',
  'loan.disinfected': '设备已消毒', 'device.maintained': '完成预防性维护', 'device.calibrated': '完成计量检定',
  'device.due_reminder': '维护/检定到期提醒', 'device.label_issue': '生成标签', 'device.label_rotate': '重新打印标签',
  'user.register': '提交注册', 'user.update': '修改用户', 'user.update_profile': '修改个人资料',
  'user.delete': '删除用户', 'user.create_admin': '设为管理员', 'user.seed': '演示账号',
  'department.create': '新建科室', 'department.update': '修改科室',
  'category.create': '新建类别', 'category.update': '修改类别',
};

const NOTIFICATION_EVENT = {
  loan_approved: '申请已批准', loan_rejected: '申请被驳回', loan_handed_over: '设备已交接', loan_returned: '归还已确认',
  loan_due_soon: '即将到期', loan_overdue: '借用逾期', new_request: '新的借用申请',
  loan_recalled: '设备调回', recall_answered: '调回已答复',
  device_maintenance_due: '设备维护到期', device_calibration_due: '设备计量检定到期',
  device_freed: '设备已空出，可批准排队申请', loan_auto_reserved: '已为抢救申请自动预留设备',
};
// A recall's state (调回) on an in-use loan.
const RECALL_STATE = {
  requested: '调回待答复', accepted: '已同意归还', refused: '无法归还', returned: '已归还', withdrawn: '已撤回',
};
const NOTIFICATION_STATE = {
  pending: '待发送', sent: '已发送', not_subscribed: '用户未订阅', failed: '发送失败', in_app: '仅站内消息',
};
const NOTIFICATION_STATE_TAG = { pending: 'warning', sent: 'success', not_subscribed: 'default', failed: 'danger', in_app: 'default' };

const label = (table, code) => (code && table[code]) || code || '';

module.exports = {
  LOAN_STATUS, LOAN_STATUS_TAG, DEVICE_STATUS, DEVICE_STATUS_TAG, URGENCY, URGENCY_TAG, ROLE, USER_STATUS,
  CONDITION, RATE_UNIT, ACTION, NOTIFICATION_EVENT, RECALL_STATE, NOTIFICATION_STATE, NOTIFICATION_STATE_TAG, label,
  DISINFECTION_METHOD, UPKEEP_KIND, UPKEEP_RESULT,
};
