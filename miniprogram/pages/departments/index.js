// Managers: departments (cost centres): list, add, rename.
const departments = require('../../services/departments');
const { runLoad, runAction } = require('../../utils/load');
const { prompt, showSuccess } = require('../../utils/feedback');

const EMPTY_FORM = { id: '', name: '', is_equipment_department: false };

Component({
  data: { loading: true, error: '', busy: false, items: [], form: { ...EMPTY_FORM } },
  methods: {
    onShow() {
      return runLoad(this, async () => {
        const page = await departments.listDepartments();
        return { items: page.items || [] };
      });
    },
    onInput(event) {
      this.setData({ [`form.${event.currentTarget.dataset.field}`]: event.detail });
    },
    onEquipment(event) {
      this.setData({ 'form.is_equipment_department': event.detail });
    },
    onCreate() {
      const form = { ...this.data.form, id: (this.data.form.id || '').trim(), name: (this.data.form.name || '').trim() };
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(form.id) || !form.name) {
        wx.showToast({ title: '请填写科室编码（字母数字）和名称', icon: 'none' });
        return Promise.resolve();
      }
      return runAction(this, async () => {
        await departments.createDepartment(form);
        showSuccess('已新增');
        this.setData({ form: { ...EMPTY_FORM } });
        await this.onShow();
      });
    },
    async onRename(event) {
      const { id } = event.currentTarget.dataset;
      const name = await prompt('修改科室名称', '新的科室名称');
      if (!name) return undefined;
      return runAction(this, async () => {
        await departments.updateDepartment(id, { name });
        showSuccess('已修改');
        await this.onShow();
      });
    },
  },
});
