/** Times are UTC ISO 8601 in the API; users see Asia/Shanghai (UTC+8, no daylight saving), and the business
 * periods the API takes (statistics days, billing months, the records' day) are Shanghai days and months. */
const OFFSET_MS = 8 * 60 * 60 * 1000;
const pad = (n) => String(n).padStart(2, '0');

function shanghaiParts(date) {
  const d = new Date(date.getTime() + OFFSET_MS);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(),
  };
}

/** '2024-03-01T02:05:00Z' -> '2024-03-01 10:05' (empty for no value). */
function formatTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const p = shanghaiParts(date);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** Date part 'YYYY-MM-DD' and time part 'HH:mm' in Shanghai of a Date. */
function shanghaiDate(date = new Date()) {
  const p = shanghaiParts(date);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

function shanghaiClock(date = new Date()) {
  const p = shanghaiParts(date);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

function shanghaiMonth(date = new Date()) {
  return shanghaiDate(date).slice(0, 7);
}

/** Shanghai wall time ('YYYY-MM-DD', 'HH:mm') -> UTC ISO string. */
function toUtcIso(day, clock = '00:00') {
  const [y, m, d] = day.split('-').map(Number);
  const [hh, mm] = clock.split(':').map(Number);
  return new Date(Date.UTC(y, m - 1, d, hh, mm) - OFFSET_MS).toISOString();
}

/** 'YYYY-MM-01' of the Shanghai month of a Date (the statistics' default period starts there). */
function shanghaiMonthStart(date = new Date()) {
  return `${shanghaiMonth(date)}-01`;
}

module.exports = { formatTime, shanghaiDate, shanghaiClock, shanghaiMonth, shanghaiMonthStart, toUtcIso };
