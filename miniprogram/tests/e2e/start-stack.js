/**
 * Jest globalSetup of the e2e project: start `../.venv/bin/python -m local.stack` from the repository root,
 * wait for its JSON line, and publish the API URL and its operationIds to the test workers via env.
 */
const path = require('path');
const http = require('http');
const { spawn } = require('child_process');

const REPO = path.resolve(__dirname, '../../..');
const PYTHON = process.env.MEDPOOL_PYTHON || path.join(REPO, '.venv', 'bin', 'python');
const START_TIMEOUT_MS = 180000;

function readFirstJsonLine(child) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`local.stack printed nothing in ${START_TIMEOUT_MS / 1000}s\n${stderr}`)), START_TIMEOUT_MS);
    child.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-4000); });
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      const line = buffer.split('\n').find((l) => l.trim().startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local.stack exited (${code}) before it was ready\n${stderr}`));
    });
  });
}

function getJson(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => {
        try { resolve(JSON.parse(body)); } catch (err) { reject(err); }
      });
    }).on('error', reject);
  });
}

function operationIds(openapi) {
  const ids = [];
  Object.values(openapi.paths || {}).forEach((ops) => Object.values(ops || {}).forEach((op) => {
    if (op && op.operationId) ids.push(op.operationId);
  }));
  return ids;
}

module.exports = async function startStack() {
  const child = spawn(PYTHON, ['-m', 'local.stack'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  globalThis.MEDPOOL_STACK = child;
  const info = await readFirstJsonLine(child);
  child.stdout.resume();
  const openapi = await getJson(`${info.api}/openapi.json`);
  process.env.MEDPOOL_E2E_API = info.api;
  process.env.MEDPOOL_E2E_OPERATIONS = operationIds(openapi).join(',');
};
