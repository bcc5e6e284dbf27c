// Managers: departments blocked for long-overdue loans (they may only file emergency requests until the
// loans come back); a manager may lift a block for the loans overdue now.
const blocks = require('../../services/blocks');
const { departmentNames } = require('../../services/departments');
const { runLoad, runAction } = require('../../utils/load');
const { confirm, showSuccess } = require('../../utils/feedback');

function blockView(block, names) {
  const lifted = new Set(block.lifted_loan_ids || []);
  return {
    ...block,
    departmentName: names[block.department_id] || block.department_id,
    loans: (block.loan_ids || []).map((id) => ({ id, lifted: lifted.has(id) })),
    statusText: block.blocked ? '限制中' : '已解除',
    statusTag: block.blocked ? 'danger' : 'default',
  };
}

Component({
  data: { loading: true, error: '', busy: false, enabled: false, hours: 0, items: [], summary: '' },
  methods: {
    onShow() {
      return this.reload();
    },
    onPullDownRefresh() {
      return this.reload().then(() => wx.stopPullDownRefresh());
    },
    reload() {
      return runLoad(this, async () => {
        const [out, names] = await Promise.all([blocks.listBlocks(), departmentNames()]);
        const summary = out.enabled
          ? `科室有借用逾期超过 ${out.hours} 小时未归还时，只能提交抢救申请，直到归还或由设备科解除。`
          : '逾期限制未开启：借用逾期不会限制科室提交申请。如需开启，请联系系统管理员。';
        return { enabled: Boolean(out.enabled), hours: out.hours || 0, summary, items: (out.items || []).map((b) => blockView(b, names)) };
      });
    },
    async onLift(event) {
      const { id, name } = event.currentTarget.dataset;
      if (!(await confirm('解除逾期限制', `解除后${name}可以再次提交常规和紧急申请（之后新的逾期仍会限制）。确定？`))) return undefined;
      return runAction(this, async () => {
        const block = await blocks.liftBlock(id);
        showSuccess('已解除限制');
        await this.reload();
        return block;
      });
    },
    onOpenLoan(event) {
      wx.navigateTo({ url: `/pages/loan-detail/index?id=${encodeURIComponent(event.currentTarget.dataset.id)}` });
    },
  },
});
