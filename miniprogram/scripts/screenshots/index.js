#!/usr/bin/env node
/**
 * `make screenshots`: every page in its main states (tests/fixtures/screens.js) to PNG at 375x812, and one
 * contact sheet of thumbnails. Pages are rendered to HTML by jest + miniprogram-simulate (render-pages.js),
 * then photographed by headless Chromium (Debian's `chromium` package; CHROMIUM_PATH to use another) through
 * puppeteer-core. A picture for a reviewer, not a test: no assertion, not part of `npm test`.
 *
 * Usage: node scripts/screenshots/index.js [name-filter]   (output: ../build/screenshots, or SCREENSHOTS_DIR)
 */
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '../..');
const OUT = path.resolve(process.env.SCREENSHOTS_DIR || path.join(ROOT, '../build/screenshots'));
const HTML = path.join(OUT, 'html');
const WIDTH = 375;
const HEIGHT = 812;

function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean);
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error('headless Chromium not found: `apt-get install -y chromium fonts-wqy-microhei` (or set CHROMIUM_PATH)');
  return found;
}

function renderHtml(filter) {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(HTML, { recursive: true });
  const args = [require.resolve('jest/bin/jest'), '-c', path.join(__dirname, 'jest.config.js'), '--silent'];
  if (filter) args.push('-t', filter);
  const run = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, SCREENSHOTS_HTML_DIR: HTML } });
  if (run.status !== 0) throw new Error('rendering the pages failed (see above)');
}

function contactSheet(shots) {
  const cells = shots.map((s) => `<figure><img src="${s.name}.png"><figcaption>${s.name}</figcaption></figure>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
body { margin: 0; padding: 12px; background: #333; font: 11px/1.3 "WenQuanYi Micro Hei", sans-serif; color: #eee; width: ${6 * 196}px; }
figure { display: inline-block; margin: 4px; width: 188px; vertical-align: top; }
img { width: 188px; height: ${Math.round((188 * HEIGHT) / WIDTH)}px; display: block; background: #fff; }
figcaption { padding: 2px 0 6px; word-break: break-all; }
</style></head><body>${cells}</body></html>`;
}

async function main() {
  const executablePath = chromiumPath();
  renderHtml(process.argv[2]);
  const puppeteer = require('puppeteer-core');
  const browser = await puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'] });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: WIDTH, height: HEIGHT, deviceScaleFactor: 1 });
    const shots = fs.readdirSync(HTML).filter((f) => f.endsWith('.json')).sort()
      .map((f) => JSON.parse(fs.readFileSync(path.join(HTML, f), 'utf8')));
    for (const shot of shots) {
      await page.goto(`file://${path.join(HTML, `${shot.name}.html`)}`, { waitUntil: 'load' });
      await page.screenshot({ path: path.join(OUT, `${shot.name}.png`) });
    }
    fs.writeFileSync(path.join(OUT, 'contact-sheet.html'), contactSheet(shots));
    const sheet = await browser.newPage();
    await sheet.setViewport({ width: 6 * 196 + 24, height: 800 });
    await sheet.goto(`file://${path.join(OUT, 'contact-sheet.html')}`, { waitUntil: 'load' });
    await sheet.screenshot({ path: path.join(OUT, 'contact-sheet.png'), fullPage: true });
    shots.forEach((s) => console.log(path.relative(process.cwd(), path.join(OUT, `${s.name}.png`))));
    console.log(`${shots.length} screens; contact sheet: ${path.relative(process.cwd(), path.join(OUT, 'contact-sheet.png'))}`);
  } finally {
    await browser.close();
  }
}

main().catch((err) => { console.error(err.message); process.exit(1); });
