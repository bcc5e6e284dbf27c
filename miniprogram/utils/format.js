/**
 * Numbers and times for people, in one place: money (integer fen in the API) as ¥ with thousands
 * separators, negatives with the minus sign in front of ¥; counts with separators; percentages; times in
 * Beijing time (utils/time.js: the API's times are UTC).
 */
const { formatTime } = require('./time');

const MINUS = '-';

function group(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const missing = (v) => v === null || v === undefined || v === '' || !Number.isFinite(Number(v));

/** 2846000 -> '¥28,460.00'; -2846000 -> '-¥28,460.00'; '' for no value. */
function money(fen) {
  if (missing(fen)) return '';
  const cents = Math.round(Number(fen));
  const abs = Math.abs(cents);
  const text = `¥${group(String(Math.floor(abs / 100)))}.${String(abs % 100).padStart(2, '0')}`;
  return cents < 0 ? `${MINUS}${text}` : text;
}

/** A balance: '+¥28,460.00' (credit), '-¥28,460.00' (owed), '¥0.00'; with its sign for colouring. */
function balance(fen) {
  if (missing(fen)) return { text: '', sign: 0 };
  const n = Math.round(Number(fen));
  if (n === 0) return { text: money(0), sign: 0 };
  return { text: n > 0 ? `+${money(n)}` : money(n), sign: n > 0 ? 1 : -1 };
}

/** 30240 -> '30,240'. */
function count(n) {
  if (missing(n)) return '';
  const v = Math.round(Number(n));
  return v < 0 ? `${MINUS}${group(String(-v))}` : group(String(v));
}

/** 0.4213 -> '42.1%'. */
function percent(x, digits = 1) {
  if (missing(x)) return '';
  return `${(Number(x) * 100).toFixed(digits)}%`;
}

/** Beijing time of a UTC ISO string: '2024-03-01 10:05'. */
const time = formatTime;

module.exports = { money, balance, count, percent, time };
