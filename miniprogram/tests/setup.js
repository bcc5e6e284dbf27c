global.getApp = () => ({ globalData: {} });
global.getCurrentPages = () => [];
