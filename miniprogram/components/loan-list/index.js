// Loans with status / overdue filters: the applicant's department (查询 tab) or all loans (managers, who also
// have 调回待处理: recalls unanswered for the configured hours, then refused ones).
const loans = require('../../services/loans');
const session = require('../../services/session');
const { departmentNames } = require('../../services/departments');
const { categoryNames } = require('../../services/categories');
const { loanView } = require('../../utils/views');
const { runLoad } = require('../../utils/load');

const FILTERS = [
  { value: '', label: '全部' },
  { value: 'pending', label: '待审批' },
  { value: 'approved', label: '待交接' },
  { value: 'in_use', label: '使用中' },
  { value: 'overdue', label: '已逾期' },
  { value: 'return_requested', label: '归还中' },
  { value: 'returned', label: '已归还' },
  { value: 'rejected', label: '已驳回' },
  { value: 'cancelled', label: '已取消' },
];
const MANAGER_FILTERS = FILTERS.concat([{ value: 'recall', label: '调回待处理' }]);

function queryFor(filter) {
  if (!filter) return {};
  if (filter === 'overdue') return { overdue: 'true' };
  if (filter === 'recall') return { recall: 'open' };
  return { status: filter };
}

Component({
  data: { filters: FILTERS, filter: '', loading: true, error: '', loans: [], cursor: null },
  methods: {
    refresh() {
      const filters = session.isManager() ? MANAGER_FILTERS : FILTERS;
      if (this.data.filters !== filters) this.setData({ filters });
      return runLoad(this, async () => {
        const [page, names, cats] = await Promise.all([loans.listLoans(queryFor(this.data.filter)), departmentNames(), categoryNames()]);
        return { loans: (page.items || []).map((l) => loanView(l, names, cats)), cursor: page.next_cursor || null };
      });
    },
    async loadMore() {
      if (!this.data.cursor) return;
      const query = { ...queryFor(this.data.filter), cursor: this.data.cursor };
      const [page, names, cats] = await Promise.all([loans.listLoans(query), departmentNames(), categoryNames()]);
      this.setData({ loans: this.data.loans.concat((page.items || []).map((l) => loanView(l, names, cats))), cursor: page.next_cursor || null });
    },
    onFilter(event) {
      this.setData({ filter: event.detail.value });
      return this.refresh();
    },
  },
});
