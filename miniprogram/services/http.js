/**
 * The only place that calls wx.request / wx.downloadFile. Resolves with {statusCode, data, header}
 * for any HTTP answer; rejects with an ApiError (status 0) when no answer came.
 */
const config = require('../config/index');
const { networkError } = require('./errors');

function send({ url, method = 'GET', data, header = {} }) {
  return new Promise((resolve, reject) => {
    wx.request({
      url,
      method,
      data,
      header,
      dataType: 'json',
      timeout: config.requestTimeoutMs,
      success: (res) => resolve({ statusCode: res.statusCode, data: parseBody(res.data), header: res.header || {} }),
      fail: (err) => reject(networkError(err && err.errMsg)),
    });
  });
}

function parseBody(data) {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch (err) {
    return data;
  }
}

function download({ url, header = {} }) {
  return new Promise((resolve, reject) => {
    wx.downloadFile({
      url,
      header,
      timeout: config.requestTimeoutMs,
      success: (res) => resolve({ statusCode: res.statusCode, tempFilePath: res.tempFilePath }),
      fail: (err) => reject(networkError(err && err.errMsg)),
    });
  });
}

/** The JSON body of a downloaded error answer ({error: {code, message}}), or null when unreadable. */
function readJsonFile(filePath) {
  if (!filePath || typeof wx.getFileSystemManager !== 'function') return null;
  try {
    return JSON.parse(wx.getFileSystemManager().readFileSync(filePath, 'utf8'));
  } catch (err) {
    return null;
  }
}

module.exports = { send, download, readJsonFile };
