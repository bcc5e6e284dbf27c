// Globals a mini program expects. Pages are written with Component() (WeChat supports that for pages),
// so miniprogram-simulate renders them directly; Page() is shimmed the same way for completeness.
global.getApp = () => ({ globalData: {} });
global.getCurrentPages = () => [];
global.Page = (options) => global.Component(options);
