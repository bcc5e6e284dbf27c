/** Toasts and confirmations in one place. */
function showError(error) {
  const message = (error && error.message) || '操作失败，请重试';
  wx.showToast({ title: message, icon: 'none', duration: 3000 });
  return message;
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

module.exports = { showError, showSuccess, confirm, prompt, actionSheet };
