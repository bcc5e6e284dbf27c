// Tab slot 2: 申请 (availability board) for applicants, 审批 (approval queue) for managers.
const { roleTab } = require('../../utils/role-tab');

Component(roleTab('/pages/apply/index', { applicant: '申请', manager: '审批' }));
