/**
 * The four tabs per role. WeChat allows at most five tab pages, so the 2nd and 3rd slots are shared:
 * pages/apply shows the availability board (applicant) or the approval queue (manager), and
 * pages/query shows the department's loans (applicant) or the management hub (manager).
 */
const APPLICANT_TABS = [
  { pagePath: '/pages/profile/index', text: '个人', icon: 'user-o' },
  { pagePath: '/pages/apply/index', text: '申请', icon: 'add-o' },
  { pagePath: '/pages/query/index', text: '查询', icon: 'search' },
  { pagePath: '/pages/announcements/index', text: '公告', icon: 'bullhorn-o' },
];
const MANAGER_TABS = [
  { pagePath: '/pages/profile/index', text: '个人', icon: 'user-o' },
  { pagePath: '/pages/apply/index', text: '审批', icon: 'todo-list-o' },
  { pagePath: '/pages/query/index', text: '管理', icon: 'setting-o' },
  { pagePath: '/pages/announcements/index', text: '公告', icon: 'bullhorn-o' },
];

function tabsFor(user) {
  return user && (user.role === 'manager' || user.role === 'admin') ? MANAGER_TABS : APPLICANT_TABS;
}

/** Mark the current tab in the custom tab bar of a tab page (no-op outside WeChat's tab pages). */
function selectTab(page, pagePath) {
  if (typeof page.getTabBar !== 'function') return;
  const bar = page.getTabBar();
  if (bar && typeof bar.refresh === 'function') bar.refresh(pagePath);
}

module.exports = { tabsFor, selectTab, APPLICANT_TABS, MANAGER_TABS };
