import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/auth/guard.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireViewer(request, context);
  return null;
}

export default function NoAccess() {
  return (
    <div className="card">
      <h1>尚未分配角色</h1>
      <p>您的账号还没有分配任何单位或角色，请联系系统管理员。</p>
    </div>
  );
}
