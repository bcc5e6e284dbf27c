// Managers: the audit trail. The search box takes a loan number, a device number or a person (name, phone,
// staff number or openid) and becomes the API's `subject` / `actor` filter (utils/record-search). Without a
// search the feed is one Beijing day's (today by default: the API has no all-days feed); a search spans every
// day unless a day is picked.
const reports = require('../../services/reports');
const users = require('../../services/users');
const { departmentNames } = require('../../services/departments');
const { formatTime, shanghaiDate } = require('../../utils/time');
const { ACTION, label } = require('../../utils/labels');
const { runLoad } = require('../../utils/load');
const paging = require('../../utils/paging');
const { parseRecordSearch, matchPeople } = require('../../utils/record-search');

const USER_PAGES = 5;

const SUBJECT_KIND = { loan: '借用单', device: '设备', user: '用户', department: '科室', category: '类别', announcement: '公告' };

/** 'loan#L5E7…' as 借用单 L5E7…; a user subject by the name when the record carries it. */
function subjectText(r) {
  if (r.subject && typeof r.subject === 'object') return `${r.subject.type || ''} ${r.subject.id || ''}`.trim();
  const text = r.subject || r.subject_id || '';
  const [kind, id] = text.split('#');
  return id && SUBJECT_KIND[kind] ? `${SUBJECT_KIND[kind]} ${id}` : text;
}

/** The actor by name and department (the API's actor_name / actor_department_id); 系统 for the system. */
function actorText(r, names) {
  if (r.actor && typeof r.actor === 'object') return r.actor.name || r.actor.openid;
  if (r.actor === 'system') return '系统';
  if (!r.actor_name) return r.actor || '';
  const dept = names[r.actor_department_id] || '';
  return dept ? `${r.actor_name}（${dept}）` : r.actor_name;
}

function recordView(r, names = {}) {
  return { ...r, atText: formatTime(r.at), actionText: label(ACTION, r.action), actorText: actorText(r, names), subjectText: subjectText(r) };
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
        const [page, names] = await Promise.all([reports.listRecords(this.query()), departmentNames().catch(() => ({}))]);
        this.names = names;
        const items = (page.items || []).map((r) => recordView(r, names));
        const cursor = page.next_cursor || null;
        return { items, cursor, paging: { ...paging.IDLE, done: !cursor && items.length > 0 } };
      });
    },
    loadMore() {
      return paging.nextPage(this, { fetch: (cursor) => reports.listRecords({ ...this.query(), cursor }), map: (r) => recordView(r, this.names || {}) });
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
