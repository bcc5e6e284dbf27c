/**
 * Where a scanned label leads (the 扫码 buttons of the 申请 and 审批 tabs): to the step it is scanned for, with the
 * scan carried along as that step's proof, so nobody scans twice.
 *   - the device's loan waiting for hand-over (the ward at pickup, or a manager) -> the loan page (确认交接（已扫码）)
 *   - managers: a loan in use / asked to return -> the loan page (确认归还 with that scan)
 *   - otherwise (e.g. 待消毒: 登记消毒 with that scan) -> the device page
 */
const devices = require('../services/devices');
const session = require('../services/session');
const { scanDevice } = require('./scan');

const loanUrl = (id, scene) => `/pages/loan-detail/index?id=${encodeURIComponent(id)}&scene=${encodeURIComponent(scene)}`;
const deviceUrl = (id, scene) => `/pages/device-detail/index?id=${encodeURIComponent(id)}&scene=${encodeURIComponent(scene)}`;

/** The page a scanned device code leads to ({deviceId, scene}); the device page when it cannot be read. */
async function urlForScan(code) {
  let device = null;
  try {
    device = await devices.getDevice(code.deviceId);
  } catch (error) {
    return deviceUrl(code.deviceId, code.scene);
  }
  const loan = device && device.current_loan;
  const user = session.currentUser() || {};
  const manager = session.isManager();
  if (loan && loan.status === 'approved' && (manager || loan.department_id === user.department_id)) return loanUrl(loan.id, code.scene);
  if (loan && manager && (loan.status === 'in_use' || loan.status === 'return_requested')) return loanUrl(loan.id, code.scene);
  return deviceUrl(code.deviceId, code.scene);
}

/** Scan, then open the page of that step. Resolves with the URL opened, or null when nothing was scanned. */
async function scanAndOpen() {
  const code = await scanDevice();
  if (!code) return null;
  const url = await urlForScan(code);
  wx.navigateTo({ url });
  return url;
}

module.exports = { scanAndOpen, urlForScan };
