// Managers: the audit trail. The search box takes a loan number, a device number or a person (name, phone,
// staff number or openid) and becomes the API's `subject` / `actor` filter (utils/record-search). Without a
// search the feed is one Beijing day's (today by default: the API has no all-days feed); a search spans every
// day unless a day is picked.
const reports = require('../../services/reports');
const users = require('../../services/users');
const { formatTime, shanghaiDate } = require('../../utils/time');
const { ACTION, label } = require('../../utils/labels');
const { runLoad } = require('../../utils/load');
const paging = require('../../utils/paging');
const { parseRecordSearch, matchPeople } = require('../../utils/record-search');

const USER_PAGES = 5;

function recordView(r) {
  const actor = r.actor && typeof r.actor === 'object' ? (r.actor.name || r.actor.openid) : (r.actor_name || r.actor || '');
  const subject = r.subject && typeof r.subject === 'object' ? `${r.subject.type || ''} ${r.subject.id || ''}`.trim() : (r.subject || r.subject_id || '');
  return { ...r, atText: formatTime(r.at), actionText: label(ACTION, r.action), actorText: actor, subjectText: subject };
}

/** The openid of the one user a name / phone / staff number names (reads GET /users, a few pages). */
async function findPerson(text) {
  let found = [];
  let cursor = null;
  for (let i = 0; i < USER_PAGES; i += 1) {
    // eslint-disable-next-line no-await-in-loop
    const page = await users.listUsers(cursor ? { cursor } : {});
    found = found.concat(matchPeople(page.items, text));
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  if (!found.length) throw new Error(`没有找到用户「${text}」`);
  if (found.length > 1) throw new Error(`有 ${found.length} 位用户都叫「${text}」，请输入手机号或工号`);
  return found[0];
}

Component({
  data: { loading: true, error: '', items: [], cursor: null, day: '', today: '', search: '', filter: {}, dayText: '', paging: paging.IDLE },
  methods: {
    onLoad(query = {}) {
      const today = shanghaiDate();
      const search = query.subject || '';
      this.setData({ search, today, day: search ? '' : today });
      return this.reload();
    },
    query() {
      const { filter, day, today } = this.data;
      const searching = Boolean(filter.subject || filter.actor);
      return { day: searching ? day : (day || today), subject: filter.subject || '', actor: filter.actor || '' };
    },
    showDay() {
      const { filter, day, today } = this.data;
      const searching = Boolean(filter.subject || filter.actor);
      let dayText = day || today;
      if (searching && !day) dayText = '全部日期';
      else if (dayText === today) dayText = `今天 ${today}`;
      this.setData({ dayText, searching });
    },
    reload() {
      return runLoad(this, async () => {
        const parsed = parseRecordSearch(this.data.search);
        if (parsed.error) throw new Error(parsed.error);
        let filter = parsed;
        let who = '';
        if (parsed.person) {
          const person = await findPerson(parsed.person);
          filter = { actor: person.openid };
          who = person.name;
        }
        this.setData({ filter, who });
        this.showDay();
        const page = await reports.listRecords(this.query());
        const items = (page.items || []).map(recordView);
        const cursor = page.next_cursor || null;
        return { items, cursor, paging: { ...paging.IDLE, done: !cursor && items.length > 0 } };
      });
    },
    loadMore() {
      return paging.nextPage(this, { fetch: (cursor) => reports.listRecords({ ...this.query(), cursor }), map: recordView });
    },
    onReachBottom() {
      return this.loadMore();
    },
    onDay(event) {
      this.setData({ day: event.detail.value });
      return this.reload();
    },
    onAllDays() {
      this.setData({ day: '' });
      return this.reload();
    },
    onSearchInput(event) {
      this.setData({ search: event.detail });
    },
    onSearch() {
      const searching = Boolean(String(this.data.search || '').trim());
      // A new search spans every day; clearing it goes back to one day's feed.
      this.setData({ day: searching ? '' : this.data.today });
      return this.reload();
    },
  },
});
