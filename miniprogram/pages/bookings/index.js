// 预约: managers see the bookings starting on a day (Beijing time; previous / next day) and approve, reject
// (with a reason) or move them (a new window, checked again by the API); a booking at risk shows its conflict.
// Wards see their department's bookings from today on, cancel one, and open the booking form.
const bookings = require('../../services/bookings');
const session = require('../../services/session');
const { categoryNames } = require('../../services/categories');
const { departmentNames } = require('../../services/departments');
const { formatTime, shanghaiDate, shanghaiClock, toUtcIso } = require('../../utils/time');
const { runLoad, runAction } = require('../../utils/load');
const { confirm, prompt, showSuccess } = require('../../utils/feedback');

const STATUS_TAG = { requested: 'warning', approved: 'primary', fulfilled: 'success' };

function shiftDay(day, days) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

function bookingView(booking, categories, departments, highlight) {
  const live = booking.status === 'requested' || booking.status === 'approved';
  return {
    ...booking,
    categoryName: categories[booking.category_id] || booking.category_id,
    departmentName: departments[booking.department_id] || booking.department_id,
    windowText: `${formatTime(booking.start_at)} 至 ${formatTime(booking.end_at)}`,
    statusText: bookings.STATUS_TEXT[booking.status] || booking.status,
    statusTag: STATUS_TAG[booking.status] || 'default',
    conflictText: booking.conflict ? bookings.CONFLICT_TEXT[booking.conflict] || booking.conflict : '',
    canApprove: booking.status === 'requested',
    canDecide: live,
    highlight: booking.id === highlight,
  };
}

Component({
  data: {
    loading: true, error: '', busy: false, isManager: false, day: '', items: [], highlight: '',
    moving: null, moveDay: '', moveStart: '', moveEndDay: '', moveEnd: '',
  },
  methods: {
    onLoad(query = {}) {
      this.setData({ isManager: session.isManager(), day: query.day || shanghaiDate(), highlight: query.id || '' });
    },
    onShow() {
      return this.reload();
    },
    onPullDownRefresh() {
      return this.reload().then(() => wx.stopPullDownRefresh());
    },
    reload() {
      const { isManager, day, highlight } = this.data;
      return runLoad(this, async () => {
        const [page, categories, departments] = await Promise.all([
          bookings.listBookings(isManager ? { day, limit: 100 } : { limit: 100 }), categoryNames(), departmentNames()]);
        return { items: (page.items || []).map((b) => bookingView(b, categories, departments, highlight)), moving: null };
      });
    },
    onDay(event) {
      this.setData({ day: event.detail.value });
      return this.reload();
    },
    onPrevDay() {
      this.setData({ day: shiftDay(this.data.day, -1) });
      return this.reload();
    },
    onNextDay() {
      this.setData({ day: shiftDay(this.data.day, 1) });
      return this.reload();
    },
    onNew() {
      wx.navigateTo({ url: '/pages/booking-form/index' });
    },
    onOpenLoan(event) {
      wx.navigateTo({ url: `/pages/loan-detail/index?id=${encodeURIComponent(event.currentTarget.dataset.id)}` });
    },
    act(change, message) {
      return runAction(this, async () => {
        const booking = await change();
        showSuccess(message);
        await this.reload();
        return booking;
      });
    },
    onApprove(event) {
      const { id } = event.currentTarget.dataset;
      return this.act(() => bookings.approveBooking(id), '已批准');
    },
    async onReject(event) {
      const { id } = event.currentTarget.dataset;
      const reason = await prompt('驳回预约', '请填写驳回原因');
      if (!reason) return undefined;
      return this.act(() => bookings.rejectBooking(id, reason), '已驳回');
    },
    async onCancel(event) {
      const { id } = event.currentTarget.dataset;
      if (!(await confirm('取消预约', '取消后该时段将释放给其他科室。确定？'))) return undefined;
      return this.act(() => bookings.cancelBooking(id), '已取消');
    },
    onStartMove(event) {
      const booking = this.data.items.find((b) => b.id === event.currentTarget.dataset.id);
      const start = new Date(booking.start_at);
      const end = new Date(booking.end_at);
      this.setData({ moving: booking.id, moveDay: shanghaiDate(start), moveStart: shanghaiClock(start),
        moveEndDay: shanghaiDate(end), moveEnd: shanghaiClock(end) });
    },
    onMoveField(event) {
      this.setData({ [event.currentTarget.dataset.field]: event.detail.value });
    },
    onCancelMove() {
      this.setData({ moving: null });
    },
    onConfirmMove() {
      const { moving, moveDay, moveStart, moveEndDay, moveEnd } = this.data;
      const startAt = toUtcIso(moveDay, moveStart);
      const endAt = toUtcIso(moveEndDay, moveEnd);
      if (Date.parse(endAt) <= Date.parse(startAt)) {
        wx.showToast({ title: '结束时间须晚于开始时间', icon: 'none' });
        return Promise.resolve();
      }
      return this.act(() => bookings.moveBooking(moving, startAt, endAt), '已改期');
    },
  },
});
