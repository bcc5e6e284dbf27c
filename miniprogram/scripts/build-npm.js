#!/usr/bin/env node
/**
 * Build `miniprogram_npm/` from package.json's dependencies with miniprogram-ci (no WeChat DevTools
 * needed), then drop the Vant Weapp components that no page or component of ours uses (directly or
 * through another Vant component), so the main package stays small.
 *
 * Usage: node scripts/build-npm.js
 */
const fs = require('fs');
const path = require('path');
const ci = require('miniprogram-ci');
const { collectUsedNpmComponents } = require('./lib/used-components');

const ROOT = path.resolve(__dirname, '..');
const NPM_DIR = path.join(ROOT, 'miniprogram_npm');
const VANT_DIR = path.join(NPM_DIR, '@vant', 'weapp');

function isComponentDir(dir) {
  const json = path.join(dir, 'index.json');
  if (!fs.existsSync(json)) return false;
  try {
    return JSON.parse(fs.readFileSync(json, 'utf8')).component === true;
  } catch (err) {
    return false;
  }
}

/** Names of Vant component folders reachable from the given entry folders. */
function reachableVantComponents(entries) {
  const seen = new Set();
  const queue = [...entries];
  while (queue.length) {
    const name = queue.shift();
    if (seen.has(name)) continue;
    seen.add(name);
    const json = path.join(VANT_DIR, name, 'index.json');
    if (!fs.existsSync(json)) continue;
    const using = JSON.parse(fs.readFileSync(json, 'utf8')).usingComponents || {};
    Object.values(using).forEach((target) => {
      const resolved = path.resolve(VANT_DIR, name, target);
      queue.push(path.relative(VANT_DIR, path.dirname(resolved)));
    });
  }
  return seen;
}

function pruneVant() {
  if (!fs.existsSync(VANT_DIR)) return { kept: 0, removed: 0 };
  const used = collectUsedNpmComponents(ROOT)
    .filter((p) => p.startsWith('@vant/weapp/'))
    .map((p) => p.split('/')[2]);
  const keep = reachableVantComponents(used);
  let kept = 0;
  let removed = 0;
  fs.readdirSync(VANT_DIR).forEach((name) => {
    const dir = path.join(VANT_DIR, name);
    if (!fs.statSync(dir).isDirectory() || !isComponentDir(dir)) return;
    if (keep.has(name)) {
      kept += 1;
    } else {
      fs.rmSync(dir, { recursive: true, force: true });
      removed += 1;
    }
  });
  return { kept, removed };
}

/**
 * uCharts (the statistics page's charts) ships its own minified build: use it instead of the 300 KB source
 * miniprogram-ci copies from `main`, in the statistics page's own subpackage (pages/stats/ucharts.js, required
 * as './ucharts'; jest maps that to the npm package), not in the main package's miniprogram_npm: the main
 * package stays under 500 KiB and only managers opening 统计 download the library.
 */
function minifyUcharts() {
  const dir = path.join(NPM_DIR, '@qiun', 'ucharts');
  const built = path.join(ROOT, 'node_modules', '@qiun', 'ucharts', 'u-charts.min.js');
  if (!fs.existsSync(dir) || !fs.existsSync(built)) return;
  const source = fs.readFileSync(built, 'utf8');
  const tail = 'export default uCharts;';
  if (!source.trimEnd().endsWith(tail)) throw new Error('u-charts.min.js no longer ends with its ES export');
  // CommonJS as miniprogram-ci would write it: require() gives the class (and `.default`, like the source build)
  const cjs = `${source.trimEnd().slice(0, -tail.length)}\nmodule.exports = uCharts;\nmodule.exports.default = uCharts;\n`;
  fs.writeFileSync(path.join(ROOT, 'pages', 'stats', 'ucharts.js'), cjs);
  fs.rmSync(path.join(NPM_DIR, '@qiun'), { recursive: true, force: true });
}

async function main() {
  fs.rmSync(NPM_DIR, { recursive: true, force: true });
  const result = await ci.packNpmManually({
    packageJsonPath: path.join(ROOT, 'package.json'),
    miniprogramNpmDistDir: ROOT,
  });
  const { kept, removed } = pruneVant();
  minifyUcharts();
  console.log(`miniprogram_npm built: ${result.miniProgramPackNum} mini program package(s), `
    + `${result.otherNpmPackNum} other package(s); Vant components kept ${kept}, removed ${removed}`);
  (result.warnList || []).forEach((w) => console.warn(`warning: ${w.msg || JSON.stringify(w)}`));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
