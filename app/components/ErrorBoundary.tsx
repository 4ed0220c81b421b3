import { isRouteErrorResponse, Link, useRouteError } from "@remix-run/react";

const MESSAGES: Record<number, string> = {
  400: "请求内容有误，请检查后重试。",
  403: "您没有执行此操作的权限。",
  404: "未找到该页面，或您无权访问。",
  409: "该记录已被他人修改，请刷新后查看最新状态。",
  413: "提交的内容过大。",
  429: "操作过于频繁，请稍后再试。",
};

/** The one error boundary every route reuses: a friendly Chinese page, never a stack trace. */
export function GeneralErrorBoundary() {
  const error = useRouteError();
  let title = "系统出现了问题";
  let message = "请稍后重试；如果问题持续存在，请联系系统管理员。";
  if (isRouteErrorResponse(error)) {
    title = `错误 ${error.status}`;
    message = typeof error.data === "string" && error.data && !error.data.startsWith("<") ? error.data : MESSAGES[error.status] ?? message;
  }
  return (
    <div className="error-page" role="alert">
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <Link to="/">返回首页</Link>
      </p>
    </div>
  );
}
