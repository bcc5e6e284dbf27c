// Apply for a category (or a specific device): urgency, reason, expected return; subscribe prompt;
// createLoan with one Idempotency-Key per application (kept across retries of the same submission).
const loans = require('../../services/loans');
const categories = require('../../services/categories');
const devices = require('../../services/devices');
const subscribe = require('../../services/subscribe');
const { newIdempotencyKey } = require('../../services/idempotency');
const { categoryView, deviceView } = require('../../utils/views');
const { shanghaiDate, shanghaiClock, toUtcIso } = require('../../utils/time');
const { runLoad, runAction } = require('../../utils/load');
const { showSuccess } = require('../../utils/feedback');

const DEFAULT_LOAN_HOURS = 24;

function defaultReturn(hours) {
  const at = new Date(Date.now() + (hours || DEFAULT_LOAN_HOURS) * 3600 * 1000);
  return { returnDay: shanghaiDate(at), returnClock: shanghaiClock(at) };
}

Component({
  data: {
    loading: true, error: '', busy: false, query: {}, target: {}, today: '', returnDay: '', returnClock: '',
    form: { urgency: 'routine', reason: '' }, idempotencyKey: '',
  },
  methods: {
    onLoad(query = {}) {
      this.setData({ query, idempotencyKey: newIdempotencyKey(), today: shanghaiDate() });
      return this.reload();
    },
    reload() {
      const { query } = this.data;
      return runLoad(this, async () => {
        if (query.device_id) {
          const device = deviceView(await devices.getDevice(query.device_id));
          // its category goes with the request: the server then reads it with the device in one call
          return { target: { title: device.name, label: `编号 ${device.id}`, value: device.statusText, categoryId: device.category_id }, ...defaultReturn() };
        }
        const found = await categories.getCategory(query.category_id);
        if (!found) throw new Error('设备类别不存在');
        const category = categoryView(found);
        return {
          target: { title: category.name, label: category.rateText, value: `可用 ${category.available}` },
          ...defaultReturn(category.max_loan_hours),
        };
      });
    },
    onUrgency(event) {
      this.setData({ 'form.urgency': event.detail });
    },
    onReason(event) {
      this.setData({ 'form.reason': event.detail });
    },
    onReturnDay(event) {
      this.setData({ returnDay: event.detail.value });
    },
    onReturnClock(event) {
      this.setData({ returnClock: event.detail.value });
    },
    onSubmit() {
      const { form, query, returnDay, returnClock } = this.data;
      const reason = (form.reason || '').trim();
      if (!reason) {
        wx.showToast({ title: '请填写用途', icon: 'none' });
        return Promise.resolve();
      }
      const expectedReturnAt = toUtcIso(returnDay, returnClock);
      if (Date.parse(expectedReturnAt) <= Date.now()) {
        wx.showToast({ title: '预计归还时间须晚于现在', icon: 'none' });
        return Promise.resolve();
      }
      const body = { urgency: form.urgency, reason, expected_return_at: expectedReturnAt };
      if (query.device_id) {
        body.device_id = query.device_id;
        if (this.data.target.categoryId) body.category_id = this.data.target.categoryId;
      } else body.category_id = query.category_id;
      // The prompt must be asked from the tap itself, before any await.
      const prompted = subscribe.askForLoanUpdates();
      return runAction(this, async () => {
        await prompted;
        const loan = await loans.createLoan(body, this.data.idempotencyKey);
        this.setData({ idempotencyKey: newIdempotencyKey() });
        showSuccess('申请已提交');
        wx.redirectTo({ url: `/pages/loan-detail/index?id=${encodeURIComponent(loan.id)}` });
        return loan;
      });
    },
  },
});
