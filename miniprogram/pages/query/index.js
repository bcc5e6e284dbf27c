// Tab slot 3: 查询 (the department's loans) for applicants, 管理 (management hub) for managers.
const { roleTab } = require('../../utils/role-tab');

Component(roleTab('/pages/query/index', { applicant: '查询', manager: '管理' }));
