/**
 * A fresh `wx` per test: simulate's stubs for everything, jest mocks for what the app uses, in-memory
 * storage and temp files, wx.login yielding `test:<openid>` codes, and wx.request routed to a fake API (see fake-api.js).
 */
function createFakeWx(base, options = {}) {
  const storage = new Map();
  const files = new Map(); // temp files written by the fake wx.downloadFile (fake-api.js)
  const wx = {
    ...base,
    getStorageSync: jest.fn((key) => (storage.has(key) ? storage.get(key) : '')),
    setStorageSync: jest.fn((key, value) => storage.set(key, JSON.parse(JSON.stringify(value)))),
    removeStorageSync: jest.fn((key) => storage.delete(key)),
    getAccountInfoSync: jest.fn(() => ({ miniProgram: { envVersion: 'develop' } })),
    login: jest.fn(({ success }) => success({ code: `test:${options.openid || 'demo-nurse-icu'}` })),
    request: jest.fn(),
    downloadFile: jest.fn(),
    showToast: jest.fn(),
    showModal: jest.fn(({ success }) => success({ confirm: true, cancel: false, content: options.modalContent || '' })),
    showActionSheet: jest.fn(({ success }) => success({ tapIndex: options.actionSheetIndex || 0 })),
    navigateTo: jest.fn(),
    redirectTo: jest.fn(),
    switchTab: jest.fn(),
    reLaunch: jest.fn(),
    navigateBack: jest.fn(),
    setNavigationBarTitle: jest.fn(),
    stopPullDownRefresh: jest.fn(),
    scanCode: jest.fn(({ fail }) => fail({ errMsg: 'scanCode:fail cancel' })),
    requestSubscribeMessage: jest.fn(({ tmplIds, success }) => {
      const out = {};
      tmplIds.forEach((id) => { out[id] = 'accept'; });
      success(out);
    }),
    getSetting: jest.fn(({ success }) => success({ subscriptionsSetting: { mainSwitch: true, itemSettings: options.subscriptions || {} } })),
    makePhoneCall: jest.fn(),
    openDocument: jest.fn(),
    previewImage: jest.fn(),
    getFileSystemManager: jest.fn(() => ({
      readFileSync: (filePath) => {
        if (!files.has(filePath)) throw new Error(`readFileSync:fail no such file ${filePath}`);
        return files.get(filePath);
      },
    })),
    shareFileMessage: jest.fn(),
  };
  wx.storage = storage;
  wx.files = files;
  return wx;
}

module.exports = { createFakeWx };
