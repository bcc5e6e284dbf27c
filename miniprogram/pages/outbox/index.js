// Managers: the notification outbox — WeChat pushes that failed (with the reason) or still wait to be
// sent; a failed one can be sent again once its cause is fixed (e.g. the user subscribed again).
const notifications = require('../../services/notifications');
const L = require('../../utils/labels');
const { formatTime } = require('../../utils/time');
const { runAction } = require('../../utils/load');
const paging = require('../../utils/paging');
const { showSuccess } = require('../../utils/feedback');

const QUEUES = [
  { value: 'failed', label: '发送失败', empty: '没有发送失败的消息' },
  { value: 'pending', label: '待发送', empty: '没有待发送的消息' },
];

function outboxView(n) {
  return {
    ...n,
    eventText: L.label(L.NOTIFICATION_EVENT, n.event),
    stateText: L.label(L.NOTIFICATION_STATE, n.state),
    stateTag: L.NOTIFICATION_STATE_TAG[n.state] || 'default',
    createdAtText: formatTime(n.created_at),
    queueAtText: formatTime(n.queue_at),
    reason: n.last_error || '',
    canRetry: n.state === 'failed',
    // the recipient by name (the API's recipient_name); the openid only when the user is unknown
    recipientText: n.recipient_name || n.openid || '',
  };
}

/** What a retry answered: sent at once, queued (WeChat busy: retried by the scheduler), or refused for good. */
function retryMessage(n) {
  if (n.state === 'sent') return '已重新发送';
  if (n.state === 'pending') return '已加入发送队列';
  return `${L.label(L.NOTIFICATION_STATE, n.state)}${n.last_error ? `：${n.last_error}` : ''}`;
}

Component({
  data: { loading: true, error: '', busy: false, queues: QUEUES, queue: 'failed', emptyText: QUEUES[0].empty, items: [], cursor: null },
  methods: {
    onLoad(query = {}) {
      const queue = QUEUES.some((q) => q.value === query.queue) ? query.queue : 'failed';
      this.setData({ queue, emptyText: QUEUES.find((q) => q.value === queue).empty });
      return this.reload();
    },
    onPullDownRefresh() {
      return this.reload().then(() => wx.stopPullDownRefresh());
    },
    list() {
      const { queue } = this.data;
      return { fetch: (cursor) => notifications.listOutbox(cursor ? { queue, cursor } : { queue }), map: outboxView };
    },
    reload() {
      return paging.firstPage(this, this.list());
    },
    loadMore() {
      return paging.nextPage(this, this.list());
    },
    onReachBottom() {
      return this.loadMore();
    },
    onQueue(event) {
      const queue = event.detail.value;
      this.setData({ queue, emptyText: QUEUES.find((q) => q.value === queue).empty });
      return this.reload();
    },
    onRetry(event) {
      const { id } = event.currentTarget.dataset;
      return runAction(this, async () => {
        const notice = await notifications.retryNotification(id);
        if (notice.state === 'sent' || notice.state === 'pending') showSuccess(retryMessage(notice));
        else wx.showToast({ title: retryMessage(notice), icon: 'none', duration: 3000 });
        await this.reload();
        return notice;
      });
    },
    onOpenLoan(event) {
      const { loan } = event.currentTarget.dataset;
      if (loan) wx.navigateTo({ url: `/pages/loan-detail/index?id=${encodeURIComponent(loan)}` });
    },
  },
});
