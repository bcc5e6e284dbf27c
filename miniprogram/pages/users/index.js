// Managers: approve or reject registrations; change role / department; disable, enable, delete.
const users = require('../../services/users');
const { departmentNames, listDepartments } = require('../../services/departments');
const { userView } = require('../../utils/views');
const { runLoad, runAction } = require('../../utils/load');
const { actionSheet, confirm, showSuccess } = require('../../utils/feedback');

const FILTERS = [
  { value: 'pending', label: '待审核' }, { value: 'active', label: '正常' },
  { value: 'disabled', label: '已停用' }, { value: 'rejected', label: '已拒绝' },
];
const MORE = [
  { text: '设为申请方', fields: { role: 'applicant' } },
  { text: '设为管理方', fields: { role: 'manager' } },
  { text: '更改科室', department: true },
  { text: '停用账号', fields: { status: 'disabled' } },
  { text: '恢复启用', fields: { status: 'active' } },
  { text: '删除用户', remove: true },
];

Component({
  data: { loading: true, error: '', busy: false, filters: FILTERS, status: 'pending', items: [], cursor: null },
  methods: {
    onShow() {
      return this.reload();
    },
    reload() {
      return runLoad(this, async () => {
        const [page, names] = await Promise.all([users.listUsers({ status: this.data.status }), departmentNames()]);
        return { items: (page.items || []).map((u) => userView(u, names)), cursor: page.next_cursor || null };
      });
    },
    async loadMore() {
      const [page, names] = await Promise.all([users.listUsers({ status: this.data.status, cursor: this.data.cursor }), departmentNames()]);
      this.setData({ items: this.data.items.concat((page.items || []).map((u) => userView(u, names))), cursor: page.next_cursor || null });
    },
    onFilter(event) {
      this.setData({ status: event.detail.value });
      return this.reload();
    },
    update(openid, fields, message) {
      return runAction(this, async () => {
        await users.updateUser(openid, fields);
        showSuccess(message);
        await this.reload();
      });
    },
    onApproveUser(event) {
      return this.update(event.currentTarget.dataset.openid, { status: 'active' }, '已通过');
    },
    async onRejectUser(event) {
      const { openid } = event.currentTarget.dataset;
      if (!(await confirm('拒绝注册', '确定拒绝该用户的注册申请？'))) return undefined;
      return this.update(openid, { status: 'rejected' }, '已拒绝');
    },
    async onMore(event) {
      const { openid } = event.currentTarget.dataset;
      const index = await actionSheet(MORE.map((m) => m.text));
      if (index < 0) return undefined;
      const choice = MORE[index];
      if (choice.remove) {
        if (!(await confirm('删除用户', '删除后该用户无法登录，历史记录会保留。'))) return undefined;
        return runAction(this, async () => {
          await users.deleteUser(openid);
          showSuccess('已删除');
          await this.reload();
        });
      }
      if (choice.department) {
        const page = await listDepartments();
        const departments = (page.items || []).slice(0, 6);
        const picked = await actionSheet(departments.map((d) => d.name));
        if (picked < 0) return undefined;
        return this.update(openid, { department_id: departments[picked].id }, '已更改科室');
      }
      return this.update(openid, choice.fields, '已更新');
    },
  },
});
