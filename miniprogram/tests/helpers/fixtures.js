/** Sample API objects (DESIGN §4 field names). */
const users = {
  nurse: { openid: 'demo-nurse-icu', name: '张护士长', department_id: 'ICU', role: 'applicant', status: 'active', phone: '13800000000', employee_no: 'N-1' },
  manager: { openid: 'demo-manager', name: '李工', department_id: 'SBK', role: 'manager', status: 'active', phone: '13900000000', employee_no: 'M-1' },
  pending: { openid: 'new-1', name: '王主任', department_id: 'EM', role: 'applicant', status: 'pending', phone: '13700000000', employee_no: 'E-9' },
};
const departments = {
  items: [
    { id: 'ICU', name: '重症医学科', is_equipment_department: false },
    { id: 'EM', name: '急诊科', is_equipment_department: false },
    { id: 'SBK', name: '设备科', is_equipment_department: true },
  ],
  next_cursor: null,
};
const category = {
  id: 'ventilator', name: '有创呼吸机', rate_fen: 2000, rate_unit: 'hour', max_loan_hours: 72,
  guide: '使用前检查管路', availability: { available: 3, reserved: 1, on_loan: 2, maintenance: 1 },
};
const device = {
  id: 'VENT-001', category_id: 'ventilator', name: '迈瑞 SV300', brand: '迈瑞', model: 'SV300', serial_no: 'SN1',
  owner_department_id: 'SBK', location: '设备调配中心', purchase_price_fen: 25000000, status: 'available', current_loan_id: null,
};
function loan(overrides = {}) {
  return {
    id: 'L-1', status: 'pending', department_id: 'ICU', applicant_openid: 'demo-nurse-icu', category_id: 'ventilator',
    device_id: null, urgency: 'urgent', reason: '3床呼吸衰竭', expected_return_at: '2024-03-02T04:00:00Z', overdue: false,
    requested_at: '2024-03-01T02:05:00Z', approved_at: null, handed_over_at: null, returned_at: null, condition: null,
    charge_fen: null,
    timeline: [{ at: '2024-03-01T02:05:00Z', actor: 'demo-nurse-icu', action: 'loan.create' }],
    ...overrides,
  };
}
const page = (items, nextCursor = null) => ({ items, next_cursor: nextCursor });

module.exports = { users, departments, category, device, loan, page };
