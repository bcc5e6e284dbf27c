/** Money is integer fen in the API; shown through utils/format.money (¥ with thousands separators). */
const { money } = require('./format');

const yuan = money;

/** '12.5' (yuan, as typed) -> 1250 fen; NaN for bad input. */
function toFen(text) {
  if (text === null || text === undefined || String(text).trim() === '') return NaN;
  const value = Number(String(text).trim().replace(/,/g, ''));
  return Number.isFinite(value) && value >= 0 ? Math.round(value * 100) : NaN;
}

module.exports = { yuan, toFen };
