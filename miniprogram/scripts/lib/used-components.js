/**
 * Find the npm components (under /miniprogram_npm/) that our own JSON files use.
 * Returns paths such as '@vant/weapp/button/index'.
 */
const fs = require('fs');
const path = require('path');

const SKIP_DIRS = new Set(['node_modules', 'miniprogram_npm', 'tests', 'scripts', 'coverage']);
const NPM_PREFIX = '/miniprogram_npm/';

function listJsonFiles(dir, out = []) {
  fs.readdirSync(dir, { withFileTypes: true }).forEach((entry) => {
    if (entry.name.startsWith('.')) return;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) listJsonFiles(full, out);
    } else if (entry.name.endsWith('.json') && !entry.name.startsWith('package')) {
      out.push(full);
    }
  });
  return out;
}

function collectUsedNpmComponents(root) {
  const used = new Set();
  listJsonFiles(root).forEach((file) => {
    let json;
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      return;
    }
    Object.values(json.usingComponents || {}).forEach((target) => {
      if (typeof target === 'string' && target.startsWith(NPM_PREFIX)) {
        used.add(target.slice(NPM_PREFIX.length));
      } else if (typeof target === 'string' && target.startsWith('@')) {
        used.add(target);
      }
    });
  });
  return [...used];
}

module.exports = { collectUsedNpmComponents, listJsonFiles };
