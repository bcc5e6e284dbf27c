// 预约 (wards): a category, a future window (Beijing day and times) and a reason; createBooking with one
// Idempotency-Key per booking (kept across retries of the same submission). A full window answers 409
// booking_full with the API's message.
const bookings = require('../../services/bookings');
const categories = require('../../services/categories');
const { newIdempotencyKey } = require('../../services/idempotency');
const { shanghaiDate, toUtcIso } = require('../../utils/time');
const { runLoad, runAction } = require('../../utils/load');
const { showSuccess } = require('../../utils/feedback');

function tomorrow() {
  return shanghaiDate(new Date(Date.now() + 24 * 3600 * 1000));
}

Component({
  data: {
    loading: true, error: '', busy: false, categories: [], categoryIndex: 0, today: '',
    day: '', startClock: '08:00', endDay: '', endClock: '16:00', reason: '', idempotencyKey: '',
  },
  methods: {
    onLoad(query = {}) {
      this.setData({ idempotencyKey: newIdempotencyKey(), today: shanghaiDate(), day: tomorrow(), endDay: tomorrow(),
        wanted: query.category_id || '' });
      return this.reload();
    },
    reload() {
      return runLoad(this, async () => {
        const page = await categories.listCategories();
        const items = (page.items || []).map((c) => ({ id: c.id, name: c.name, max: c.max_loan_hours }));
        if (!items.length) throw new Error('暂无设备类别');
        const index = Math.max(0, items.findIndex((c) => c.id === this.data.wanted));
        return { categories: items, categoryIndex: index };
      });
    },
    onCategory(event) {
      this.setData({ categoryIndex: Number(event.detail.value) });
    },
    onDay(event) {
      const day = event.detail.value;
      this.setData({ day, endDay: this.data.endDay < day ? day : this.data.endDay });
    },
    onStartClock(event) {
      this.setData({ startClock: event.detail.value });
    },
    onEndDay(event) {
      this.setData({ endDay: event.detail.value });
    },
    onEndClock(event) {
      this.setData({ endClock: event.detail.value });
    },
    onReason(event) {
      this.setData({ reason: event.detail });
    },
    onSubmit() {
      const { categories: items, categoryIndex, day, startClock, endDay, endClock } = this.data;
      const reason = (this.data.reason || '').trim();
      if (!reason) {
        wx.showToast({ title: '请填写预约用途', icon: 'none' });
        return Promise.resolve();
      }
      const startAt = toUtcIso(day, startClock);
      const endAt = toUtcIso(endDay, endClock);
      if (Date.parse(startAt) <= Date.now()) {
        wx.showToast({ title: '开始时间须晚于现在', icon: 'none' });
        return Promise.resolve();
      }
      if (Date.parse(endAt) <= Date.parse(startAt)) {
        wx.showToast({ title: '结束时间须晚于开始时间', icon: 'none' });
        return Promise.resolve();
      }
      const body = { category_id: items[categoryIndex].id, start_at: startAt, end_at: endAt, reason };
      return runAction(this, async () => {
        const booking = await bookings.createBooking(body, this.data.idempotencyKey);
        this.setData({ idempotencyKey: newIdempotencyKey() });
        showSuccess('预约已提交');
        wx.redirectTo({ url: `/pages/bookings/index?id=${encodeURIComponent(booking.id)}` });
        return booking;
      });
    },
  },
});
