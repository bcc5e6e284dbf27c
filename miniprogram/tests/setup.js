// Globals a mini program expects. Pages are written with Component() (WeChat supports that for pages),
// so miniprogram-simulate renders them directly; Page() is shimmed the same way for completeness.
global.getApp = () => ({ globalData: {} });
global.getCurrentPages = () => [];
global.Page = (options) => global.Component(options);
// WeChat's groupSetData (one render for several setData calls, used by Vant's tabs) is missing in the simulator:
// here it runs the updates at once, as Vant does itself on old base libraries.
const exparser = require('miniprogram-exparser');

if (!exparser.Component.prototype.groupSetData) {
  exparser.Component.prototype.groupSetData = function groupSetData(callback) {
    if (typeof callback === 'function') callback();
  };
}
