import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { requireViewerFor } from "~/auth/guard.server";
import { AUDIT_ACTIONS, auditLabel } from "~/domain/auditLabels";
import { searchAudit, verifyAuditChain } from "~/models/audit.server";
import { countyIdsFor } from "~/models/scope.server";
import { db } from "~/services.server";

const schema = z.object({
  action: z.string().max(64).optional().catch(undefined),
  actor: z.string().max(100).optional().catch(undefined),
  entity: z.string().max(40).optional().catch(undefined),
  before: z.coerce.number().int().positive().optional().catch(undefined),
  verify: z.literal("1").optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewerFor(request, context, "county.administer");
  const q = schema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const rows = await searchAudit(db(), { countyIds: countyIdsFor(viewer, "county.administer"), action: q.action || undefined, actor: q.actor || undefined, entityId: q.entity || undefined, beforeSeq: q.before, limit: 50 });
  // The chain spans every county; its verdict says only whether it is intact and where it breaks.
  const verdict = q.verify ? await verifyAuditChain(db()) : null;
  return {
    rows: rows.map((r) => ({ seq: r.seq, at: r.at, actor: r.actor_name, action: r.action, entityType: r.entity_type, entityId: r.entity_id, from: r.from_state, to: r.to_state, detail: r.detail, address: r.address })),
    next: rows.length === 50 ? rows[rows.length - 1].seq : null,
    verdict,
  };
}

const time = (ms: number) => new Date(ms).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });

export default function AuditSearch() {
  const { rows, next, verdict } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const nextParams = new URLSearchParams(params);
  if (next) nextParams.set("before", String(next));
  return (
    <>
      <p><Link to="/admin">← 返回单位与用户</Link></p>
      <h1>审计日志</h1>
      <Form method="get" className="card filters">
        <label>操作 <select name="action" defaultValue={params.get("action") ?? ""}><option value="">全部</option>{Object.entries(AUDIT_ACTIONS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}</select></label>{" "}
        <label>操作人 <input name="actor" defaultValue={params.get("actor") ?? ""} /></label>{" "}
        <label>对象编号 <input name="entity" defaultValue={params.get("entity") ?? ""} /></label>{" "}
        <button type="submit">查询</button>{" "}
        <Link className="button secondary" to="?verify=1">校验哈希链</Link>
      </Form>
      {verdict ? (
        verdict.ok ? <div className="success" role="status">哈希链完整：共 {verdict.entries} 条记录校验通过。</div>
          : <div className="form-error" role="alert">哈希链校验失败：第 {verdict.brokenSeq} 条记录 — {verdict.reason}</div>
      ) : null}
      <table className="data">
        <thead><tr><th>序号</th><th>时间</th><th>操作人</th><th>操作</th><th>对象</th><th>状态</th><th>详情</th><th>地址</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.seq}>
              <td>{r.seq}</td><td>{time(r.at)}</td><td>{r.actor ?? "—"}</td><td>{auditLabel(r.action)}</td>
              <td>{r.entityType === "report" && r.entityId ? <Link to={`/reports/${r.entityId}/history`}>报告</Link> : r.entityType ?? ""}</td>
              <td>{r.from || r.to ? `${r.from ?? ""} → ${r.to ?? ""}` : ""}</td>
              <td className="muted detail-cell">{r.detail ? r.detail.slice(0, 160) : ""}</td><td>{r.address ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {next ? <p><Link to={`?${nextParams.toString()}`}>更早的记录 →</Link></p> : null}
    </>
  );
}
