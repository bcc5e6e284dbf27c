// 个人 tab: own profile (GET/PUT /me), department, role, log out.
const auth = require('../../services/auth');
const session = require('../../services/session');
const { departmentNames } = require('../../services/departments');
const { userView } = require('../../utils/views');
const { runLoad, runAction } = require('../../utils/load');
const { confirm, showSuccess } = require('../../utils/feedback');
const { selectTab } = require('../../utils/tabs');
const { PHONE } = require('../../utils/validate');

Component({
  data: { loading: true, error: '', busy: false, user: {}, editing: false, form: {} },
  methods: {
    onShow() {
      selectTab(this, '/pages/profile/index');
      return runLoad(this, async () => {
        const [user, names] = await Promise.all([auth.getMe(), departmentNames()]);
        return { user: userView(user, names) };
      });
    },
    onEdit() {
      const { name, phone, employee_no: employeeNo } = this.data.user;
      this.setData({ editing: true, form: { name, phone, employee_no: employeeNo } });
    },
    onCancelEdit() {
      this.setData({ editing: false });
    },
    onInput(event) {
      this.setData({ [`form.${event.currentTarget.dataset.field}`]: event.detail });
    },
    onSave() {
      const { form } = this.data;
      if (!form.name || !PHONE.test(form.phone || '') || !form.employee_no) {
        wx.showToast({ title: '请填写完整且正确的信息', icon: 'none' });
        return Promise.resolve();
      }
      return runAction(this, async () => {
        const [user, names] = await Promise.all([auth.updateMe(form), departmentNames()]);
        this.setData({ user: userView(user, names), editing: false });
        showSuccess('已保存');
      });
    },
    async onLogout() {
      if (!(await confirm('退出登录', '退出后需重新登录才能使用'))) return;
      session.logout();
      wx.reLaunch({ url: '/pages/launch/index?logout=1' });
    },
  },
});
