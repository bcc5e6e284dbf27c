/**
 * The few `wx` APIs the services use, implemented in Node: wx.request and wx.downloadFile over http(s)
 * (downloads land in a temp folder; wx.getFileSystemManager reads them), in-memory storage, wx.login
 * yielding the WeChat stand-in's `test:<openid>` codes.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const https = require('https');

let tempDir = null;
let downloads = 0;

function downloadFile(options) {
  const url = new URL(options.url);
  const transport = url.protocol === 'https:' ? https : http;
  const req = transport.request(url, { method: 'GET', headers: { ...(options.header || {}) }, timeout: options.timeout || 15000 }, (res) => {
    const chunks = [];
    res.on('data', (chunk) => chunks.push(chunk));
    res.on('end', () => {
      tempDir = tempDir || fs.mkdtempSync(path.join(os.tmpdir(), 'medpool-e2e-'));
      downloads += 1;
      const tempFilePath = path.join(tempDir, `download-${downloads}`);
      fs.writeFileSync(tempFilePath, Buffer.concat(chunks));
      options.success({ statusCode: res.statusCode, tempFilePath });
    });
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (err) => options.fail({ errMsg: `downloadFile:fail ${err.message}` }));
  req.end();
}

const fileSystemManager = { readFileSync: (filePath, encoding) => fs.readFileSync(filePath, encoding) };

function request(options) {
  const url = new URL(options.url);
  const transport = url.protocol === 'https:' ? https : http;
  const headers = { ...(options.header || {}) };
  let payload = null;
  if (options.data !== undefined && options.method !== 'GET') {
    payload = Buffer.from(typeof options.data === 'string' ? options.data : JSON.stringify(options.data));
    headers['Content-Length'] = payload.length;
  }
  const req = transport.request(url, { method: options.method || 'GET', headers, timeout: options.timeout || 15000 }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => { body += chunk; });
    res.on('end', () => {
      let data = body;
      try { data = JSON.parse(body); } catch (err) { /* keep text */ }
      options.success({ statusCode: res.statusCode, data, header: res.headers });
    });
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (err) => options.fail({ errMsg: `request:fail ${err.message}` }));
  if (payload) req.write(payload);
  req.end();
}

function createNodeWx(openid) {
  const storage = new Map();
  return {
    openid,
    request,
    downloadFile,
    getFileSystemManager: () => fileSystemManager,
    login: ({ success }) => success({ code: `test:${openid}` }),
    getStorageSync: (key) => (storage.has(key) ? storage.get(key) : ''),
    setStorageSync: (key, value) => storage.set(key, JSON.parse(JSON.stringify(value))),
    removeStorageSync: (key) => storage.delete(key),
    getAccountInfoSync: () => ({ miniProgram: { envVersion: 'develop' } }),
    reLaunch: () => {},
    showToast: () => {},
  };
}

module.exports = { createNodeWx };
