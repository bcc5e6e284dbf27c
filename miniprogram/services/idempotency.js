/** Random keys for the Idempotency-Key header: one per user intent, reused when that intent is retried. */
function randomHex(length) {
  let out = '';
  while (out.length < length) out += Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  return out.slice(0, length);
}

function newIdempotencyKey() {
  return `${Date.now().toString(36)}-${randomHex(24)}`;
}

module.exports = { newIdempotencyKey };
