/** Toasts, dialogs and confirmations in one place. */

// A toast without icon shows at most two short lines: longer messages would be cut.
const TOAST_MAX_CHARS = 14;
// Refusals that tell the reader what to do next: always read in full.
const ACTIONABLE_CODES = new Set([
  'department_blocked', 'scan_required', 'wrong_device', 'invalid_scan', 'loan_not_extendable', 'extension_too_long',
  'expected_return_in_past', 'registration_required', 'account_pending', 'account_disabled',
  'no_device_available', 'emergency_reserve_held',
]);

/** Whether an error message needs a dialog (long, or it asks the reader to act) rather than a toast. */
function needsDialog(error, message) {
  return [...message].length > TOAST_MAX_CHARS || Boolean(error && ACTIONABLE_CODES.has(error.code));
}

/**
 * Show an action's error: a short one as a toast, a long or actionable one (the department-blocked
 * refusal, a wrong scan) in a dialog that shows all of it. Resolves with the message once shown/closed.
 */
function showError(error) {
  const message = (error && error.message) || '操作失败，请重试';
  if (!needsDialog(error, message)) {
    wx.showToast({ title: message, icon: 'none', duration: 3000 });
    return Promise.resolve(message);
  }
  return new Promise((resolve) => {
    wx.showModal({
      title: '未能完成',
      content: message,
      showCancel: false,
      confirmText: '知道了',
      success: () => resolve(message),
      fail: () => resolve(message),
    });
  });
}

function showSuccess(title) {
  wx.showToast({ title, icon: 'success' });
}

function confirm(title, content) {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      content: content || '',
      confirmText: '确定',
      cancelText: '取消',
      success: (res) => resolve(Boolean(res && res.confirm)),
      fail: () => resolve(false),
    });
  });
}

/** A modal with a text box; resolves with the trimmed text, or null when cancelled. */
function prompt(title, placeholderText) {
  return new Promise((resolve) => {
    wx.showModal({
      title,
      editable: true,
      placeholderText: placeholderText || '',
      confirmText: '确定',
      cancelText: '取消',
      success: (res) => resolve(res && res.confirm ? String(res.content || '').trim() : null),
      fail: () => resolve(null),
    });
  });
}

function actionSheet(itemList) {
  return new Promise((resolve) => {
    wx.showActionSheet({
      itemList,
      success: (res) => resolve(res.tapIndex),
      fail: () => resolve(-1),
    });
  });
}

module.exports = { showError, needsDialog, showSuccess, confirm, prompt, actionSheet, TOAST_MAX_CHARS };
