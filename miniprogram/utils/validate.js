/** Client-side checks mirroring the API's rules; return a Chinese message or ''. */
const PHONE = /^\+?[0-9][0-9 -]{4,19}$/;

function registrationError(form) {
  if (!form.name || !form.name.trim()) return '请填写姓名';
  if (!form.department_id) return '请选择科室';
  if (!PHONE.test(form.phone || '')) return '请填写正确的手机号';
  if (!form.employee_no || !form.employee_no.trim()) return '请填写工号';
  return '';
}

module.exports = { registrationError, PHONE };
