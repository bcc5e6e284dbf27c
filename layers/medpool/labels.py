"""Chinese labels of the states users see in messages."""

LOAN_STATUS = {"pending": "待审批", "approved": "已批准待交接", "in_use": "使用中", "return_requested": "待归还确认",
               "returned": "已归还", "rejected": "已驳回", "cancelled": "已取消"}
DEVICE_STATUS = {"available": "可借用", "reserved": "已预留", "on_loan": "已借出", "cleaning": "待消毒",
                 "maintenance": "维修/校准中",
                 "retired": "已报废"}
USER_STATUS = {"pending": "待审核", "active": "正常", "rejected": "未通过", "disabled": "已停用"}
