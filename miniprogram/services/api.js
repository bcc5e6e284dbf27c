/**
 * The API client: base URL, bearer token, one silent re-login and retry on 401, and errors turned into
 * ApiError carrying the API's `error.message`.
 */
const env = require('./env');
const http = require('./http');
const session = require('./session');
const { ApiError, fromResponse } = require('./errors');
const { queryString } = require('./query-string');

async function request(method, path, options = {}) {
  const { query, body, headers = {}, auth = true } = options;
  const base = env.baseUrl();
  if (!base) throw new ApiError(0, 'not_configured', env.configProblem() || '未配置服务器地址，请联系管理员');
  const header = { 'Content-Type': 'application/json', ...headers };
  if (auth) header.Authorization = `Bearer ${await session.ensureToken(Boolean(options.renewed))}`;
  const res = await http.send({
    url: `${base}${path}${queryString(query)}`,
    method,
    data: method === 'GET' || method === 'DELETE' ? undefined : (body || {}),
    header,
  });
  if (res.statusCode >= 200 && res.statusCode < 300) return res.data === '' ? null : res.data;
  if (res.statusCode === 401 && auth && !options.renewed) {
    return request(method, path, { ...options, renewed: true });
  }
  const error = fromResponse(res.statusCode, res.data);
  if (res.statusCode === 401 && auth) session.notifyLost(error);
  throw error;
}

/**
 * The same authorization as `request`, for a file download (wx.downloadFile): resolves with the temp
 * file path; one silent re-login on 401; errors carry the API's message when its JSON body is readable.
 */
async function downloadFile(path, query, headers = {}, renewed = false) {
  const base = env.baseUrl();
  if (!base) throw new ApiError(0, 'not_configured', env.configProblem() || '未配置服务器地址，请联系管理员');
  const token = await session.ensureToken(renewed);
  const res = await http.download({ url: `${base}${path}${queryString(query)}`, header: { ...headers, Authorization: `Bearer ${token}` } });
  if (res.statusCode >= 200 && res.statusCode < 300) return res.tempFilePath;
  if (res.statusCode === 401 && !renewed) return downloadFile(path, query, headers, true);
  const error = fromResponse(res.statusCode, http.readJsonFile(res.tempFilePath));
  if (res.statusCode === 401) session.notifyLost(error);
  throw error;
}

module.exports = {
  request,
  downloadFile,
  get: (path, query, options) => request('GET', path, { ...options, query }),
  post: (path, body, options) => request('POST', path, { ...options, body }),
  put: (path, body, options) => request('PUT', path, { ...options, body }),
  del: (path, options) => request('DELETE', path, options),
};
