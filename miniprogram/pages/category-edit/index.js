// Create or edit a device category: code, name, billing rate, default loan period, operating guide, and the
// default intervals of preventive maintenance and metrology calibration (days; optional), and the waiting list's
// settings: the emergency reserve (the last N available devices only emergencies may take) and whether the system
// reserves a freed device for an emergency at the head of the queue by itself.
const categories = require('../../services/categories');
const { runLoad, runAction } = require('../../utils/load');
const { showSuccess } = require('../../utils/feedback');
const { toFen } = require('../../utils/money');

const INTERVALS = ['maintenance_interval_days', 'calibration_interval_days'];

/** Put the intervals filled in into `body` (an empty one: no schedule); a message when one is not 1-3650 days. */
function intervalProblem(form, body) {
  let problem = '';
  INTERVALS.forEach((field) => {
    const text = String(form[field] || '').trim();
    if (!text) return;
    const days = Number(text);
    if (!Number.isInteger(days) || days <= 0 || days > 3650) problem = '维护/检定周期须为 1-3650 的整数天';
    else body[field] = days; // eslint-disable-line no-param-reassign
  });
  return problem;
}

function showProblem(problem) {
  wx.showToast({ title: problem, icon: 'none' });
  return Promise.resolve();
}

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
            maintenance_interval_days: c.maintenance_interval_days ? String(c.maintenance_interval_days) : '',
            calibration_interval_days: c.calibration_interval_days ? String(c.calibration_interval_days) : '',
            emergency_reserve: String(c.emergency_reserve || 0),
            auto_reserve_emergency: Boolean(c.auto_reserve_emergency),
          },
        };
      });
    },
    onInput(event) {
      this.setData({ [`form.${event.currentTarget.dataset.field}`]: event.detail });
    },
    onAutoReserve(event) {
      this.setData({ 'form.auto_reserve_emergency': Boolean(event.detail) });
    },
    onUnit(event) {
      this.setData({ 'form.rate_unit': event.detail });
    },
    onSave() {
      const { form, id } = this.data;
      const body = {
        name: (form.name || '').trim(), rate_fen: toFen(form.rate), rate_unit: form.rate_unit,
        max_loan_hours: Number(form.max_loan_hours), guide: form.guide || '',
        emergency_reserve: Number(String(form.emergency_reserve || '0').trim() || 0),
        auto_reserve_emergency: Boolean(form.auto_reserve_emergency),
      };
      let problem = intervalProblem(form, body);
      if (problem) return showProblem(problem);
      if (!id && !(form.id || '').trim()) problem = '请填写类别编码';
      else if (!body.name) problem = '请填写名称';
      else if (Number.isNaN(body.rate_fen)) problem = '费率格式不正确';
      else if (!Number.isInteger(body.max_loan_hours) || body.max_loan_hours <= 0) problem = '最长借用时长须为正整数';
      else if (!Number.isInteger(body.emergency_reserve) || body.emergency_reserve < 0) problem = '抢救预留须为 0 或正整数';
      if (problem) return showProblem(problem);
      return runAction(this, async () => {
        if (id) await categories.updateCategory(id, body);
        else await categories.createCategory({ id: form.id.trim(), ...body });
        showSuccess('已保存');
        wx.navigateBack();
      });
    },
  },
});
