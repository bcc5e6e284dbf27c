/** The one error type services throw: HTTP status + the API's stable code + its (Chinese) message. */
class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details || null;
  }
}

const FALLBACK_MESSAGES = {
  0: '网络异常，请检查网络后重试',
  401: '登录已失效，请重新登录',
  403: '没有权限执行此操作',
  404: '内容不存在或已被删除',
  409: '状态已变化，请刷新后重试',
  429: '操作过于频繁，请稍后再试',
};

function fromResponse(status, body) {
  const error = body && typeof body === 'object' ? body.error : null;
  if (error && error.message) return new ApiError(status, error.code || 'error', error.message, error.details);
  const message = FALLBACK_MESSAGES[status] || (status >= 500 ? '服务器繁忙，请稍后重试' : `请求失败（${status}）`);
  return new ApiError(status, (error && error.code) || `http_${status}`, message);
}

function networkError(errMsg) {
  return new ApiError(0, 'network_error', FALLBACK_MESSAGES[0], { errMsg: errMsg || '' });
}

module.exports = { ApiError, fromResponse, networkError };
