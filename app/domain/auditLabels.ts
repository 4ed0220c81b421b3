/** Chinese names of audit actions, for the history and audit pages. */
export const AUDIT_ACTIONS: Record<string, string> = {
  "login.success": "登录成功",
  "login.failure": "登录失败",
  "login.throttled": "登录被限流",
  logout: "退出登录",
  "permission.denied": "越权访问被拒绝",
  "user.create": "创建用户",
  "user.disable": "停用用户",
  "user.enable": "启用用户",
  "user.password_change": "修改密码",
  "user.password_reset": "重置密码",
  "unit.create": "创建单位",
  "county.create": "创建县区",
  "campaign.create": "创建填报年度",
  "campaign.update": "修改填报年度设置",
  "report.create": "创建报告",
  "report.intake": "接收报告文件",
  "report.save": "保存草稿",
  "report.submit": "提交",
  "report.return": "退回",
  "report.approve": "通过",
  "report.reopen": "重新打开",
  "comment.create": "批注",
  "comment.answer": "回复批注",
  "comment.resolve": "批注已解决",
};

export const auditLabel = (action: string) => AUDIT_ACTIONS[action] ?? action;
