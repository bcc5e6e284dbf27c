/** Money is integer fen in the API. */
function yuan(fen) {
  if (fen === null || fen === undefined || fen === '') return '';
  const value = Number(fen) / 100;
  return `¥${value.toFixed(2)}`;
}

/** '12.5' (yuan, as typed) -> 1250 fen; NaN for bad input. */
function toFen(text) {
  if (text === null || text === undefined || String(text).trim() === '') return NaN;
  const value = Number(String(text).trim());
  return Number.isFinite(value) && value >= 0 ? Math.round(value * 100) : NaN;
}

module.exports = { yuan, toFen };
