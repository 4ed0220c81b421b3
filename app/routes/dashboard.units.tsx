import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireViewerFor } from "~/auth/guard.server";
import { FUNCTION_CLASSES, RULES } from "~/domain/rules";
import { PROGRESS_LABELS, STATUS_LABELS } from "~/domain/vocabulary";
import { drillDownRows } from "~/models/dashboardDrillDown.server";
import { unitsNotSubmitted } from "~/models/submissionProgress.server";
import { countyIdsFor } from "~/models/scope.server";
import { db } from "~/services.server";

const schema = z.object({
  year: z.coerce.number().int().min(2000).max(2100).catch(new Date().getFullYear() - 1),
  county: z.string().max(40).optional().catch(undefined),
  grade: z.enum(["优", "良", "中", "差"]).optional().catch(undefined),
  rule: z.string().max(40).optional().catch(undefined),
  functionClass: z.string().regex(/^\d{3}$/).optional().catch(undefined),
  status: z.enum(["submitted", "approved", "not_started", "draft", "returned"]).optional().catch(undefined),
  unitKind: z.string().max(32).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewerFor(request, context, "dashboard.view");
  const f = schema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const all = countyIdsFor(viewer, "dashboard.view");
  const countyIds = f.county ? all.filter((id) => id === f.county) : all;
  if (f.status === "not_started" || f.status === "draft" || f.status === "returned") {
    const missing = (await unitsNotSubmitted(db(), countyIds, f.year)).filter((u) => (f.status === "not_started" ? u.status == null : u.status === f.status));
    return { f, rows: [], pending: missing.map((u) => ({ unitName: u.unitName, code: u.code })) };
  }
  const rows = await drillDownRows(db(), { countyIds, year: f.year, grade: f.grade, rule: f.rule, functionClass: f.functionClass, status: f.status, unitKind: f.unitKind || undefined });
  return { f, rows, pending: [] as Array<{ unitName: string; code: string }> };
}

const pct = (v: number | null) => (v == null ? "—" : `${(v * 100).toFixed(2)}%`);

export default function DrillDown() {
  const { f, rows, pending } = useLoaderData<typeof loader>();
  const what = [
    f.grade ? `等级“${f.grade}”` : null,
    f.rule ? `触发“${RULES.find((r) => r.id === f.rule)?.title ?? f.rule}”` : null,
    f.functionClass ? `主要支出为${FUNCTION_CLASSES[f.functionClass] ?? f.functionClass}` : null,
    f.status ? PROGRESS_LABELS[f.status] : null,
  ].filter(Boolean).join("、");
  return (
    <>
      <p><Link to={`/dashboard?year=${f.year}${f.county ? `&county=${f.county}` : ""}`}>← 返回概览</Link></p>
      <h1>{f.year}年度 单位明细{what ? `：${what}` : ""}</h1>
      {pending.length ? (
        <ul className="card">{pending.map((u) => <li key={u.code}>{u.unitName}（{u.code}）</li>)}</ul>
      ) : (
        <table className="data">
          <thead><tr><th>单位</th><th>县区</th><th>状态</th><th className="num">支出决算(万元)</th><th className="num">执行率</th><th className="num">偏离度</th><th className="num">自评分</th><th>等级</th><th className="num">错误</th><th className="num">提示</th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.reportId}>
                <td><Link to={`/reports/${r.reportId}`}>{r.unitName}</Link></td><td>{r.countyName}</td><td>{STATUS_LABELS[r.status as keyof typeof STATUS_LABELS] ?? r.status}</td>
                <td className="num">{r.expenditureWan == null ? "—" : r.expenditureWan.toFixed(2)}</td><td className="num">{pct(r.executionRate)}</td><td className="num">{pct(r.deviation)}</td>
                <td className="num">{r.selfScore ?? "—"}</td><td>{r.grade ?? "—"}</td><td className="num">{r.errors}</td><td className="num">{r.warnings}</td>
              </tr>
            ))}
            {rows.length === 0 ? <tr><td colSpan={10} className="muted">没有符合条件的单位。</td></tr> : null}
          </tbody>
        </table>
      )}
    </>
  );
}
