/**
 * Tab badges for the session: every tab page has its own custom tab bar, so the counts live here and each bar
 * reads them when its page is shown (utils/tabs.selectTab). The 审批 tab's badge is the pending requests' count.
 */
const counts = {};

function setBadge(pagePath, count) {
  counts[pagePath] = count > 0 ? count : 0;
}

/** What the tab shows: '' for none, the count, or 99+. */
function badgeText(pagePath) {
  const n = counts[pagePath] || 0;
  if (!n) return '';
  return n > 99 ? '99+' : String(n);
}

module.exports = { setBadge, badgeText };
