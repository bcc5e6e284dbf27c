// Apply for a category (or a specific device): urgency chips on one line, reason chips (free text optional),
// expected return. Sends first (createLoan, one Idempotency-Key per application, kept across retries of the same
// submission), then offers the subscriptions not already granted "always", then opens the loan.
// Opened with `urgency=emergency` (the board's 抢救) the form is complete: its one tap sends the request.
// `reason` in the query prefills the reason (重新申请 of a rejected loan).
const loans = require('../../services/loans');
const categories = require('../../services/categories');
const devices = require('../../services/devices');
const subscribe = require('../../services/subscribe');
const { newIdempotencyKey } = require('../../services/idempotency');
const { categoryView, deviceView } = require('../../utils/views');
const { shanghaiDate, shanghaiClock, toUtcIso } = require('../../utils/time');
const { runLoad, runAction } = require('../../utils/load');
const { showSuccess } = require('../../utils/feedback');
const L = require('../../utils/labels');

const DEFAULT_LOAN_HOURS = 24;
const URGENCIES = ['routine', 'urgent', 'emergency'].map((value) => ({ value, label: L.URGENCY[value] }));
const REASONS = ['抢救', '呼吸衰竭', '术后监护', '病情加重', '院内转运', '新入院患者'];
const REASON_MAX = 500;

function defaultReturn(hours) {
  const at = new Date(Date.now() + (hours || DEFAULT_LOAN_HOURS) * 3600 * 1000);
  return { returnDay: shanghaiDate(at), returnClock: shanghaiClock(at) };
}

/** A query value (WeChat passes it as encoded in the URL); a stray % is kept as typed. */
function decoded(value) {
  try {
    return value ? decodeURIComponent(value) : '';
  } catch (err) {
    return value;
  }
}

/** The reason sent: the chip, then the free text (either may be alone). */
function reasonOf(form) {
  return [form.reasonChip, (form.reason || '').trim()].filter(Boolean).join('：');
}

/** What happens on sending, said before it is sent: taken now, or queued (排队). */
function queueHint(target, urgency) {
  if (!target.isCategory) return '';
  const free = urgency === 'emergency' ? target.available : target.availableToRoutine;
  if (free > 0) return '';
  const ahead = target.queueLength ? `，前面已有 ${target.queueLength} 人排队` : '';
  if (target.available > 0) return `剩余设备为抢救预留，提交后排队${ahead}`;
  return `暂无可用设备，提交后排队${ahead}；有设备消毒完成即按紧急程度分配`;
}

Component({
  data: {
    loading: true, error: '', busy: false, query: {}, target: {}, today: '', returnDay: '', returnClock: '',
    urgencies: URGENCIES, reasons: REASONS, hint: '',
    form: { urgency: 'routine', reasonChip: '', reason: '' }, idempotencyKey: '',
  },
  methods: {
    onLoad(query = {}) {
      const urgency = L.URGENCY[query.urgency] ? query.urgency : 'routine';
      const prefilled = decoded(query.reason);
      const form = {
        urgency,
        reasonChip: urgency === 'emergency' && !prefilled ? '抢救' : '',
        reason: prefilled,
      };
      this.setData({ query, form, idempotencyKey: newIdempotencyKey(), today: shanghaiDate() });
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
        const target = {
          isCategory: true,
          title: category.name,
          label: [category.rateText, category.reserve ? `${category.reserve} 台抢救预留` : '', category.queueLength ? `${category.queueLength} 人排队` : '']
            .filter(Boolean).join(' · '),
          value: `可用 ${category.available}`,
          available: category.available,
          availableToRoutine: category.availableToRoutine,
          queueLength: category.queueLength,
        };
        return { target, hint: queueHint(target, this.data.form.urgency), ...defaultReturn(category.max_loan_hours) };
      });
    },
    onUrgency(event) {
      const urgency = event.detail && event.detail.value !== undefined ? event.detail.value
        : (event.currentTarget && event.currentTarget.dataset.value) || event.detail;
      this.setData({ 'form.urgency': urgency, hint: queueHint(this.data.target, urgency) });
    },
    /** A reason chip: tap to pick, tap again to drop. */
    onReasonChip(event) {
      const chip = event.currentTarget.dataset.reason;
      this.setData({ 'form.reasonChip': this.data.form.reasonChip === chip ? '' : chip });
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
      const reason = reasonOf(form);
      if (!reason) {
        wx.showToast({ title: '请选择或填写用途', icon: 'none' });
        return Promise.resolve();
      }
      if (reason.length > REASON_MAX) {
        wx.showToast({ title: `用途不能超过 ${REASON_MAX} 字`, icon: 'none' });
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
      // Sent first: the subscription is offered afterwards, never in the way of the request.
      return runAction(this, async () => {
        const loan = await loans.createLoan(body, this.data.idempotencyKey);
        this.setData({ idempotencyKey: newIdempotencyKey() });
        const queue = loan.queue || {};
        const title = queue.waiting ? `已排队，第 ${queue.position} 位` : '申请已提交';
        const offered = await subscribe.offerLoanUpdates(title);
        if (!offered.asked.length) showSuccess(queue.waiting ? '已排队' : '申请已提交');
        wx.redirectTo({ url: `/pages/loan-detail/index?id=${encodeURIComponent(loan.id)}` });
        return loan;
      });
    },
  },
});
