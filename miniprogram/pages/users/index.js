// Managers: approve or reject registrations; change role; change department (a picker over every
// department); disable, enable, delete.
const users = require('../../services/users');
const { departmentItems } = require('../../services/departments');
const { userView } = require('../../utils/views');
const { runAction } = require('../../utils/load');
const paging = require('../../utils/paging');
const { actionSheet, confirm, showSuccess } = require('../../utils/feedback');

const FILTERS = [
  { value: 'pending', label: '待审核' }, { value: 'active', label: '正常' },
  { value: 'disabled', label: '已停用' }, { value: 'rejected', label: '已拒绝' },
];
const MORE = [
  { text: '设为科室人员', fields: { role: 'applicant' } },
  { text: '设为设备科人员', fields: { role: 'manager' } },
  { text: '停用账号', fields: { status: 'disabled' } },
  { text: '恢复启用', fields: { status: 'active' } },
  { text: '删除用户', remove: true },
];

function view(user, departments) {
  const names = {};
  departments.forEach((d) => { names[d.id] = d.name; });
  return { ...userView(user, names), departmentIndex: Math.max(0, departments.findIndex((d) => d.id === user.department_id)) };
}

Component({
  data: {
    loading: true, error: '', busy: false, filters: FILTERS, status: 'pending', items: [], cursor: null, departments: [], paging: paging.IDLE,
  },
  methods: {
    onShow() {
      return this.reload();
    },
    list() {
      return {
        fetch: async (cursor) => {
          const query = cursor ? { status: this.data.status, cursor } : { status: this.data.status };
          const [page, departments] = await Promise.all([users.listUsers(query), departmentItems()]);
          this.departments = departments;
          this.setData({ departments });
          return page;
        },
        map: (u) => view(u, this.departments || []),
      };
    },
    /** The list again, kept on screen while it is read (after an action, or back from another page). */
    reload() {
      return paging.refresh(this, this.list());
    },
    loadMore() {
      return paging.nextPage(this, this.list());
    },
    onReachBottom() {
      return this.loadMore();
    },
    onFilter(event) {
      this.setData({ status: event.detail.value, items: [] });
      return paging.firstPage(this, this.list());
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
    /** The department picker of one user (a native picker: every department, however many). */
    onDepartment(event) {
      const { openid } = event.currentTarget.dataset;
      const department = this.data.departments[Number(event.detail.value)];
      const user = this.data.items.find((u) => u.openid === openid);
      if (!department || !user || department.id === user.department_id) return Promise.resolve(undefined);
      return this.update(openid, { department_id: department.id }, `已改为${department.name}`);
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
      return this.update(openid, choice.fields, '已更新');
    },
  },
});
