// Managers: the audit trail, filtered by day (a Beijing day: the API's feed of a day) and subject. Without a
// subject the feed is one day's, today's (Beijing time) by default; one subject's records span every day.
const reports = require('../../services/reports');
const { formatTime, shanghaiDate } = require('../../utils/time');
const { ACTION, label } = require('../../utils/labels');
const { runLoad } = require('../../utils/load');

function recordView(r) {
  const actor = r.actor && typeof r.actor === 'object' ? (r.actor.name || r.actor.openid) : (r.actor_name || r.actor || '');
  const subject = r.subject && typeof r.subject === 'object' ? `${r.subject.type || ''} ${r.subject.id || ''}`.trim() : (r.subject || r.subject_id || '');
  return { ...r, atText: formatTime(r.at), actionText: label(ACTION, r.action), actorText: actor, subjectText: subject };
}

Component({
  data: { loading: true, error: '', items: [], cursor: null, day: '', today: '', subject: '' },
  methods: {
    onLoad(query = {}) {
      const today = shanghaiDate();
      this.setData({ subject: query.subject || '', today, day: query.subject ? '' : today });
      return this.reload();
    },
    query() {
      return { day: this.data.day, subject: (this.data.subject || '').trim() };
    },
    reload() {
      return runLoad(this, async () => {
        const page = await reports.listRecords(this.query());
        return { items: (page.items || []).map(recordView), cursor: page.next_cursor || null };
      });
    },
    async loadMore() {
      const page = await reports.listRecords({ ...this.query(), cursor: this.data.cursor });
      this.setData({ items: this.data.items.concat((page.items || []).map(recordView)), cursor: page.next_cursor || null });
    },
    onDay(event) {
      this.setData({ day: event.detail.value });
      return this.reload();
    },
    onSubject(event) {
      this.setData({ subject: event.detail });
    },
  },
});
