#!/usr/bin/env node
/**
 * Size of the main package as it would be uploaded: every file under miniprogramRoot except the
 * packOptions.ignore entries of project.config.json (and dot files). Fails above WeChat's 2 MB limit.
 *
 * Usage: node scripts/package-size.js [--json]
 * Run `npm run build:npm` first so miniprogram_npm/ is counted.
 */
const fs = require('fs');
const path = require('path');

const LIMIT_BYTES = 2 * 1024 * 1024;
const PROJECT = path.resolve(__dirname, '..');

function readProjectConfig() {
  return JSON.parse(fs.readFileSync(path.join(PROJECT, 'project.config.json'), 'utf8'));
}

function ignoredPaths(config) {
  const ignore = ((config.packOptions && config.packOptions.ignore) || []);
  return {
    folders: new Set(ignore.filter((i) => i.type === 'folder').map((i) => path.normalize(i.value))),
    files: new Set(ignore.filter((i) => i.type === 'file').map((i) => path.normalize(i.value))),
  };
}

function walk(root, dir, ignored, out) {
  fs.readdirSync(dir, { withFileTypes: true }).forEach((entry) => {
    if (entry.name.startsWith('.')) return;
    const full = path.join(dir, entry.name);
    const rel = path.relative(root, full);
    if (entry.isDirectory()) {
      if (!ignored.folders.has(rel)) walk(root, full, ignored, out);
    } else if (entry.isFile() && !ignored.files.has(rel)) {
      out.push({ path: rel, bytes: fs.statSync(full).size });
    }
  });
  return out;
}

/** The subpackages' roots (app.json `subpackages`): their files are downloaded when a page of theirs opens. */
function subpackageRoots(root) {
  const app = JSON.parse(fs.readFileSync(path.join(root, 'app.json'), 'utf8'));
  return (app.subpackages || app.subPackages || []).map((p) => path.normalize(p.root));
}

function measure() {
  const config = readProjectConfig();
  const root = path.resolve(PROJECT, config.miniprogramRoot || '.');
  const subRoots = subpackageRoots(root);
  const inSub = (f) => subRoots.find((r) => f.path === r || f.path.startsWith(`${r}${path.sep}`));
  const all = walk(root, root, ignoredPaths(config), []);
  const files = all.filter((f) => !inSub(f));
  const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
  const npmBytes = files.filter((f) => f.path.startsWith('miniprogram_npm')).reduce((sum, f) => sum + f.bytes, 0);
  const subpackages = Object.fromEntries(subRoots.map((r) => [r, all.filter((f) => inSub(f) === r).reduce((sum, f) => sum + f.bytes, 0)]));
  return { bytes, npm_bytes: npmBytes, files: files.length, subpackages, limit_bytes: LIMIT_BYTES, npm_built: fs.existsSync(path.join(root, 'miniprogram_npm')) };
}

if (require.main === module) {
  const result = measure();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(result));
  } else {
    const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
    console.log(`mini program main package: ${kib(result.bytes)} (${result.bytes} bytes, ${result.files} files; `
      + `miniprogram_npm ${kib(result.npm_bytes)}) of the ${kib(LIMIT_BYTES)} limit`
      + Object.entries(result.subpackages).map(([r, b]) => `; subpackage ${r}: ${kib(b)}`).join('')
      + (result.npm_built ? '' : ' — miniprogram_npm not built: run `npm run build:npm`'));
  }
  if (result.bytes > LIMIT_BYTES) process.exit(1);
}

module.exports = { measure, LIMIT_BYTES };
