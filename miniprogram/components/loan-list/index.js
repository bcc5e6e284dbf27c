// Loans with status / overdue filters: the applicant's department (查询 tab) or all loans (managers, who also
// have 调回待处理: recalls unanswered for the configured hours, then refused ones).
const loans = require('../../services/loans');
const session = require('../../services/session');
const { departmentNames } = require('../../services/departments');
const { categoryNames } = require('../../services/categories');
const { loanView } = require('../../utils/views');
const paging = require('../../utils/paging');

const FILTERS = [
  { value: '', label: '全部' },
  { value: 'pending', label: '待审批' },
  { value: 'approved', label: '待交接' },
  { value: 'in_use', label: '使用中' },
  { value: 'overdue', label: '已逾期' },
  { value: 'return_requested', label: '待确认归还' },
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
  data: { filters: FILTERS, filter: '', loading: true, error: '', loans: [], cursor: null, paging: paging.IDLE },
  methods: {
    list() {
      return {
        key: 'loans',
        fetch: async (cursor) => {
          const query = cursor ? { ...queryFor(this.data.filter), cursor } : queryFor(this.data.filter);
          const [page, names, cats] = await Promise.all([loans.listLoans(query), departmentNames(), categoryNames()]);
          this.names = names;
          this.cats = cats;
          return page;
        },
        map: (l) => loanView(l, this.names, this.cats),
      };
    },
    /** On show (also back from a loan's page): the list stays on screen while it is read again. */
    refresh() {
      const filters = session.isManager() ? MANAGER_FILTERS : FILTERS;
      if (this.data.filters !== filters) this.setData({ filters });
      return paging.refresh(this, this.list());
    },
    loadMore() {
      return paging.nextPage(this, this.list());
    },
    onFilter(event) {
      this.setData({ filter: event.detail.value, loans: [] });
      return paging.firstPage(this, this.list());
    },
  },
});
