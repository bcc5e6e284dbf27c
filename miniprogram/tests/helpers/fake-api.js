/**
 * Route wx.request to handlers keyed 'METHOD /path' (path without query). A handler returns a body
 * (status 200), or {status, body}; an Error-like {error: {...}} with `status` gives an API error.
 * Unrouted calls answer 404 with the API's error shape. Every call is recorded in `calls`.
 *
 * wx.downloadFile goes through the same routes ('GET /path'): a string answer is the downloaded file's
 * temp path (status 200); {status, body} is an error whose JSON body is saved as the temp file (readable
 * through wx.getFileSystemManager, as on a phone). Recorded in `calls` too (with `download: true`).
 */
function apiError(status, code, message) {
  return { status, body: { error: { code, message } } };
}

function installFakeApi(wx, routes = {}) {
  const calls = [];
  wx.request.mockImplementation((options) => {
    const url = new URL(options.url);
    const query = Object.fromEntries(url.searchParams.entries());
    const call = {
      method: options.method || 'GET', path: url.pathname, query, body: options.data, header: options.header || {},
    };
    calls.push(call);
    const handler = routes[`${call.method} ${call.path}`];
    Promise.resolve()
      .then(() => (typeof handler === 'function' ? handler(call) : handler))
      .then((result) => {
        let out = result;
        if (out === undefined) out = apiError(404, 'not_found', `未模拟的接口 ${call.method} ${call.path}`);
        else if (!(out && typeof out === 'object' && 'status' in out && 'body' in out)) out = { status: 200, body: out };
        options.success({ statusCode: out.status, data: out.body, header: {} });
      })
      .catch((err) => options.fail({ errMsg: `request:fail ${err.message}` }));
  });
  wx.downloadFile.mockImplementation((options) => {
    const url = new URL(options.url);
    const call = {
      method: 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams.entries()), header: options.header || {}, download: true,
    };
    calls.push(call);
    const handler = routes[`GET ${call.path}`];
    Promise.resolve()
      .then(() => (typeof handler === 'function' ? handler(call) : handler))
      .then((result) => {
        if (typeof result === 'string') {
          options.success({ statusCode: 200, tempFilePath: result });
          return;
        }
        const out = result || apiError(404, 'not_found', `未模拟的接口 GET ${call.path}`);
        const tempFilePath = `wxfile://tmp/error-${calls.length}.json`;
        if (wx.files) wx.files.set(tempFilePath, JSON.stringify(out.body));
        options.success({ statusCode: out.status, tempFilePath });
      })
      .catch((err) => options.fail({ errMsg: `downloadFile:fail ${err.message}` }));
  });
  return calls;
}

module.exports = { installFakeApi, apiError };
