/** A QR code as a GIF data URL (no canvas needed), from the qrcode-generator package. */
const qrcode = require('qrcode-generator');

function qrDataUrl(text, cellSize = 4) {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  return qr.createDataURL(cellSize, cellSize * 2);
}

module.exports = { qrDataUrl };
