// Manager's 审批 tab: pending requests (most urgent first, then oldest, as the API orders them; a waiting one shows
// its place in its category's queue, the head has a one-tap 批准（自动分配设备）), hand-overs to do, returns to
// confirm, each tab with its count. Read again on show and every 30 s while the tab is shown (startPolling /
// stopPolling from utils/role-tab); a new request is announced and the WeChat reminder (one-time) offered again.
const loans = require('../../services/loans');
const { departmentNames } = require('../../services/departments');
const { categoryNames } = require('../../services/categories');
const { loanView } = require('../../utils/views');
const { loanActions } = require('../../utils/loan-actions');
const paging = require('../../utils/paging');
const { scanAndOpen } = require('../../utils/scan-route');
const { runAction } = require('../../utils/load');
const { showSuccess } = require('../../utils/feedback');
const session = require('../../services/session');
const subscribe = require('../../services/subscribe');
const { setBadge } = require('../../utils/badges');

const QUEUES = [
  { value: 'pending', label: '待审批', empty: '没有待审批的申请' },
  { value: 'approved', label: '待交接', empty: '没有待交接的设备' },
  { value: 'return_requested', label: '待确认归还', empty: '没有待确认的归还' },
];
const POLL_MS = 30 * 1000;
const COUNT_LIMIT = 100; // one page of each queue is read for its count; more shows as 99+
const TAB_PATH = '/pages/apply/index';

const countText = (page) => {
  const n = ((page && page.items) || []).length;
  return page && page.next_cursor ? COUNT_LIMIT : n;
};

Component({
  data: {
    queues: QUEUES, queue: 'pending', emptyText: QUEUES[0].empty, loading: true, error: '', loans: [], cursor: null,
    emergencies: 0, subscribeText: '', paging: paging.IDLE, counts: {}, busy: false,
  },
  lifetimes: {
    detached() {
      this.stopPolling();
    },
  },
  methods: {
    list() {
      return {
        key: 'loans',
        fetch: async (cursor) => {
          const query = cursor ? { status: this.data.queue, cursor } : { status: this.data.queue };
          const [page, names, cats] = await Promise.all([loans.listLoans(query), departmentNames(), categoryNames()]);
          this.names = names;
          this.cats = cats;
          return page;
        },
        map: (l) => {
          const view = loanView(l, this.names, this.cats);
          return { ...view, canAutoApprove: loanActions(l, session.currentUser()).autoApprove };
        },
      };
    },
    counted(done) {
      this.setData({ emergencies: this.data.loans.filter((l) => l.isEmergency).length });
      return done;
    },
    /**
     * Each queue's count (one page of each) for the tabs and the tab bar's badge; a pending request not seen
     * before is announced (not on the first read). Never fails the list: a count that cannot be read is kept.
     */
    async readCounts() {
      try {
        const pages = await Promise.all(QUEUES.map((q) => loans.listLoans({ status: q.value, limit: COUNT_LIMIT })));
        const counts = {};
        QUEUES.forEach((q, i) => { counts[q.value] = countText(pages[i]); });
        this.setData({ counts });
        setBadge(TAB_PATH, counts.pending);
        this.triggerEvent('counts', counts);
        const pending = pages[0].items || [];
        const fresh = this.seen ? pending.filter((l) => !this.seen.has(l.id)) : [];
        this.seen = new Set([...(this.seen || []), ...pending.map((l) => l.id)]);
        if (fresh.length) await this.announce(fresh);
        return counts;
      } catch (error) {
        return null;
      }
    },
    /** New requests arrived: say so (the most urgent first) and offer the one-time WeChat reminder again. */
    async announce(fresh) {
      const emergency = fresh.find((l) => l.urgency === 'emergency');
      const names = this.names || {};
      const title = emergency ? `新的抢救申请：${names[emergency.department_id] || emergency.department_id}` : `新的借用申请 ${fresh.length} 件`;
      const offered = await subscribe.offerNewRequests(title);
      if (!offered.asked.length) wx.showToast({ title, icon: 'none' });
      if (offered.accepted.length) this.setData({ subscribeText: '已订阅下一条新申请的微信提醒' });
      if (typeof wx.vibrateShort === 'function' && emergency) wx.vibrateShort({ type: 'heavy' });
    },
    /** On show (also back from a loan's page): the queue stays on screen while it is read again. */
    refresh() {
      return Promise.all([paging.refresh(this, this.list()), this.readCounts()]).then(([ok]) => this.counted(ok));
    },
    loadMore() {
      return paging.nextPage(this, this.list()).then((ok) => this.counted(ok));
    },
    startPolling() {
      this.stopPolling();
      this.timer = setInterval(() => {
        if (!this.data.busy) this.refresh();
      }, POLL_MS);
    },
    stopPolling() {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
    },
    /** van-tabs change ({name}) or a filter event ({value}). */
    onQueue(event) {
      const queue = event.detail.name !== undefined ? event.detail.name : event.detail.value;
      if (queue === this.data.queue && this.data.loans.length) return Promise.resolve(true);
      this.setData({ queue, emptyText: QUEUES.find((q) => q.value === queue).empty, loans: [] });
      return paging.firstPage(this, this.list()).then((ok) => this.counted(ok));
    },
    /** 批准（自动分配设备）: one tap on the head of the queue; the server picks the device. */
    onAutoApprove(event) {
      const { id } = event.currentTarget.dataset;
      return runAction(this, async () => {
        await loans.approveLoan(id);
        showSuccess('已批准并分配设备');
        await this.refresh();
      });
    },
    /** The prompt must be asked from the tap itself (no await before it). */
    async onSubscribe() {
      const { asked, accepted } = await subscribe.askForNewRequests();
      if (!asked.length) {
        wx.showToast({ title: '未配置新申请提醒模板，请联系管理员', icon: 'none' });
      } else if (accepted.length) {
        wx.showToast({ title: '已订阅', icon: 'success' });
      } else {
        wx.showToast({ title: '未订阅：新申请仍会显示在本页', icon: 'none' });
      }
      this.setData({ subscribeText: accepted.length ? '已订阅下一条新申请的微信提醒，收到后请再次订阅' : '' });
      return { asked, accepted };
    },
    /** The label scanned leads to the step it is scanned for (utils/scan-route), carrying the scan. */
    onScan() {
      return scanAndOpen();
    },
  },
});
