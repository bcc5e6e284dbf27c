// Registration form for a new WeChat user: name, department, phone, employee number, role; what is collected and
// why is said above the submit button, with a link to the full 用户隐私保护指引 (pages/privacy).
const auth = require('../../services/auth');
const { listDepartments } = require('../../services/departments');
const { registrationError } = require('../../utils/validate');
const { runLoad, runAction } = require('../../utils/load');

Component({
  data: {
    loading: true, error: '', busy: false, formError: '', departments: [], departmentIndex: -1,
    form: { name: '', department_id: '', phone: '', employee_no: '', role: 'applicant' },
  },
  methods: {
    onLoad() {
      return runLoad(this, async () => {
        const page = await listDepartments();
        return { departments: page.items || [] };
      });
    },
    onInput(event) {
      this.setData({ [`form.${event.currentTarget.dataset.field}`]: event.detail, formError: '' });
    },
    onDepartment(event) {
      const index = Number(event.detail.value);
      this.setData({ departmentIndex: index, 'form.department_id': this.data.departments[index].id, formError: '' });
    },
    onPrivacy() {
      wx.navigateTo({ url: '/pages/privacy/index' });
    },
    onRole(event) {
      this.setData({ 'form.role': event.detail });
    },
    onSubmit() {
      const form = { ...this.data.form, name: this.data.form.name.trim(), employee_no: this.data.form.employee_no.trim() };
      const formError = registrationError(form);
      this.setData({ formError });
      if (formError) return Promise.resolve();
      return runAction(this, async () => {
        const out = await auth.register(form);
        if (out.state === 'active') wx.reLaunch({ url: '/pages/launch/index' });
        else wx.redirectTo({ url: `/pages/pending/index?state=${out.state || 'pending'}` });
      });
    },
  },
});
