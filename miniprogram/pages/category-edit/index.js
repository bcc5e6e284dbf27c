// Create or edit a device category: code, name, billing rate, default loan period, operating guide.
const categories = require('../../services/categories');
const { runLoad, runAction } = require('../../utils/load');
const { showSuccess } = require('../../utils/feedback');
const { toFen } = require('../../utils/money');

Component({
  data: { loading: true, error: '', busy: false, id: '', form: {} },
  methods: {
    onLoad(query = {}) {
      this.setData({ id: query.id || '' });
      return this.reload();
    },
    reload() {
      return runLoad(this, async () => {
        const c = this.data.id ? await categories.getCategory(this.data.id) : {};
        if (!c) throw new Error('设备类别不存在');
        return {
          form: {
            id: c.id || '', name: c.name || '', rate: c.rate_fen !== undefined ? String(c.rate_fen / 100) : '',
            rate_unit: c.rate_unit || 'hour', max_loan_hours: c.max_loan_hours ? String(c.max_loan_hours) : '72', guide: c.guide || '',
          },
        };
      });
    },
    onInput(event) {
      this.setData({ [`form.${event.currentTarget.dataset.field}`]: event.detail });
    },
    onUnit(event) {
      this.setData({ 'form.rate_unit': event.detail });
    },
    onSave() {
      const { form, id } = this.data;
      const body = {
        name: (form.name || '').trim(), rate_fen: toFen(form.rate), rate_unit: form.rate_unit,
        max_loan_hours: Number(form.max_loan_hours), guide: form.guide || '',
      };
      let problem = '';
      if (!id && !(form.id || '').trim()) problem = '请填写类别编码';
      else if (!body.name) problem = '请填写名称';
      else if (Number.isNaN(body.rate_fen)) problem = '费率格式不正确';
      else if (!Number.isInteger(body.max_loan_hours) || body.max_loan_hours <= 0) problem = '最长借用时长须为正整数';
      if (problem) {
        wx.showToast({ title: problem, icon: 'none' });
        return Promise.resolve();
      }
      return runAction(this, async () => {
        if (id) await categories.updateCategory(id, body);
        else await categories.createCategory({ id: form.id.trim(), ...body });
        showSuccess('已保存');
        wx.navigateBack();
      });
    },
  },
});
