/** Which actions the current user may take on a loan (the API decides; this only hides useless buttons). */
function loanActions(loan, user) {
  const manager = Boolean(user && (user.role === 'manager' || user.role === 'admin'));
  const ownDepartment = Boolean(user && loan && user.department_id === loan.department_id);
  const status = loan && loan.status;
  return {
    approve: manager && status === 'pending',
    // one tap for the head of the waiting list (or any request a free device can serve): the server picks the device
    autoApprove: manager && status === 'pending' && Boolean(loan.queue) && (loan.queue.position === 1 || !loan.queue.waiting),
    reapply: ownDepartment && status === 'rejected',
    call: manager && Boolean(loan && loan.applicant_phone),
    reject: manager && status === 'pending',
    cancel: ownDepartment && (status === 'pending' || status === 'approved'),
    handover: (manager || ownDepartment) && status === 'approved',
    extend: manager && (status === 'approved' || status === 'in_use'),
    requestReturn: ownDepartment && status === 'in_use',
    // 调回: one standing recall at a time (requested or accepted); after a refusal a manager may recall again
    recall: manager && status === 'in_use' && !['requested', 'accepted'].includes(loan.recall_state),
    answerRecall: ownDepartment && status === 'in_use' && loan.recall_state === 'requested',
    confirmReturn: manager && status === 'return_requested',
  };
}

module.exports = { loanActions };
