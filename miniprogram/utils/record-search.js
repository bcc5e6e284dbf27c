/**
 * What the 操作记录 search box means, as GET /records filters: `subject` (kind#id: a loan, a device, ...)
 * or `actor` (an openid). People type a loan number (L…/H… + 19 hex digits), a device number (VENT-003),
 * an openid, a full subject (device#VENT-003), or a person's name / phone / staff number (found through
 * GET /users by the page).
 */
const KINDS = ['loan', 'device', 'user', 'category', 'department', 'announcement', 'notification'];
const SUBJECT = new RegExp(`^(${KINDS.join('|')})#([A-Za-z0-9_-]{1,64})$`, 'i');
const LOAN_ID = /^[LH][0-9A-F]{19}$/i;
const OPENID = /^o[A-Za-z0-9_-]{27}$/; // WeChat openids: 28 characters starting with "o"
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * '  vent-003 ' -> {subject: 'device#VENT-003'}; 'L…' -> {subject: 'loan#L…'}; 'o…' (openid) -> {actor};
 * '张护士长' / a phone -> {person: text} (to look up); '' -> {}; anything else -> {error}.
 */
function parseRecordSearch(text) {
  const value = String(text || '').trim();
  if (!value) return {};
  const subject = value.match(SUBJECT);
  if (subject) {
    const kind = subject[1].toLowerCase();
    const id = kind === 'loan' || kind === 'device' ? subject[2].toUpperCase() : subject[2];
    return { subject: `${kind}#${id}` };
  }
  if (LOAN_ID.test(value)) return { subject: `loan#${value.toUpperCase()}` };
  if (OPENID.test(value)) return { actor: value };
  if (/^\d{5,}$/.test(value) || /[^\x00-\x7f]/.test(value)) return { person: value };
  if (TOKEN.test(value)) return { subject: `device#${value.toUpperCase()}` };
  return { error: '请输入借用单号、设备编号或用户姓名/手机号' };
}

/** The users matching a typed name, phone or staff number (exact match). */
function matchPeople(users, text) {
  const value = String(text || '').trim();
  return (users || []).filter((u) => [u.name, u.phone, u.employee_no].some((v) => v && String(v) === value));
}

module.exports = { parseRecordSearch, matchPeople };
