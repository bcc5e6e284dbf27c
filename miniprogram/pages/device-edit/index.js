// Register or edit a device (managers); delete is refused by the API while it is on loan.
const devices = require('../../services/devices');
const categories = require('../../services/categories');
const { listDepartments } = require('../../services/departments');
const { runLoad, runAction } = require('../../utils/load');
const { confirm, showSuccess } = require('../../utils/feedback');
const { toFen } = require('../../utils/money');

const FIELDS = ['name', 'brand', 'model', 'serial_no', 'location'];
// next maintenance / calibration dates (Beijing days); left empty on a new device: the category's intervals
const DUE_FIELDS = ['next_maintenance_due', 'next_calibration_due'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

Component({
  data: { loading: true, error: '', busy: false, id: '', form: {}, categories: [], departments: [], categoryIndex: -1, ownerIndex: -1 },
  methods: {
    onLoad(query = {}) {
      this.setData({ id: query.id || '' });
      if (query.id) wx.setNavigationBarTitle({ title: '编辑设备' });
      return this.reload();
    },
    reload() {
      return runLoad(this, async () => {
        const [cats, deps, device] = await Promise.all([
          categories.listCategories(), listDepartments(), this.data.id ? devices.getDevice(this.data.id) : null]);
        const categoryList = cats.items || [];
        const departmentList = deps.items || [];
        const d = device || {};
        const form = { id: d.id || '', category_id: d.category_id || '', owner_department_id: d.owner_department_id || '',
          price: d.purchase_price_fen !== undefined && d.purchase_price_fen !== null ? String(d.purchase_price_fen / 100) : '' };
        FIELDS.concat(DUE_FIELDS).forEach((f) => { form[f] = d[f] || ''; });
        if (!device) {
          const equipment = departmentList.find((x) => x.is_equipment_department);
          if (equipment) form.owner_department_id = equipment.id;
        }
        return {
          categories: categoryList, departments: departmentList, form,
          categoryIndex: categoryList.findIndex((c) => c.id === form.category_id),
          ownerIndex: departmentList.findIndex((x) => x.id === form.owner_department_id),
        };
      });
    },
    onInput(event) {
      this.setData({ [`form.${event.currentTarget.dataset.field}`]: event.detail });
    },
    onCategory(event) {
      const index = Number(event.detail.value);
      this.setData({ categoryIndex: index, 'form.category_id': this.data.categories[index].id });
    },
    onOwner(event) {
      const index = Number(event.detail.value);
      this.setData({ ownerIndex: index, 'form.owner_department_id': this.data.departments[index].id });
    },
    body() {
      const { form } = this.data;
      const body = { category_id: form.category_id, owner_department_id: form.owner_department_id };
      FIELDS.forEach((f) => { body[f] = (form[f] || '').trim(); });
      if (form.price !== '' && form.price !== undefined) body.purchase_price_fen = toFen(form.price);
      DUE_FIELDS.forEach((f) => { if ((form[f] || '').trim()) body[f] = form[f].trim(); });
      return body;
    },
    onSave() {
      const { form, id } = this.data;
      const body = this.body();
      let problem = '';
      if (!id && !(form.id || '').trim()) problem = '请填写资产编号';
      else if (!body.name) problem = '请填写名称';
      else if (!body.category_id) problem = '请选择类别';
      else if (!body.owner_department_id) problem = '请选择所属科室';
      else if (Number.isNaN(body.purchase_price_fen)) problem = '购置价格式不正确';
      else if (DUE_FIELDS.some((f) => body[f] && !DAY.test(body[f]))) problem = '维护/检定日期格式应为 YYYY-MM-DD';
      if (problem) {
        wx.showToast({ title: problem, icon: 'none' });
        return Promise.resolve();
      }
      return runAction(this, async () => {
        if (id) await devices.updateDevice(id, body);
        else await devices.createDevice({ id: form.id.trim(), ...body });
        showSuccess('已保存');
        wx.navigateBack();
      });
    },
    async onDelete() {
      if (!(await confirm('删除设备', '确定删除该设备？借用历史会保留。'))) return undefined;
      return runAction(this, async () => {
        await devices.deleteDevice(this.data.id);
        showSuccess('已删除');
        wx.navigateBack({ delta: 2 });
      });
    },
  },
});
