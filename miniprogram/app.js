// MedPool mini program. The session lives in services/ (storage-backed); pages/launch decides where to go.
App({
  globalData: {},
  onError(message) {
    console.error('[medpool]', message);
  },
});
