import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { clientAddress, requireViewerFor } from "~/auth/guard.server";
import { TRIAGE_WEIGHTS, triage } from "~/domain/metrics";
import { can, scopeOf } from "~/domain/permissions";
import { FUNCTION_CLASSES, RULES } from "~/domain/rules";
import { UNIT_KINDS } from "~/domain/units";
import { STATUS_LABELS } from "~/domain/vocabulary";
import { campaignYears, ruleSettingsByCounty } from "~/models/campaigns.server";
import { decodeCursor, queuePage, type QueueFilters } from "~/models/queue.server";
import { latestReportedYear } from "~/models/reportingYear.server";
import { queueProgress, unitsNotSubmitted } from "~/models/submissionProgress.server";
import { findVisibleReport } from "~/models/reports.server";
import { applyTransition } from "~/models/reportWrites.server";
import { countyIdsFor } from "~/models/scope.server";
import { db } from "~/services.server";

const filterSchema = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined),
  status: z.enum(["submitted", "returned", "approved", "all"]).optional().catch(undefined),
  rule: z.string().max(40).optional().catch(undefined),
  severity: z.enum(["error", "warning", "info"]).optional().catch(undefined),
  unitKind: z.string().max(32).optional().catch(undefined),
  functionClass: z.string().regex(/^\d{3}$/).optional().catch(undefined),
  late: z.literal("1").optional().catch(undefined),
  clean: z.literal("1").optional().catch(undefined),
  after: z.string().max(300).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewerFor(request, context, "report.review");
  const countyIds = countyIdsFor(viewer, "report.review");
  const params = filterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [years, latest] = await Promise.all([campaignYears(db(), countyIds), params.year ? null : latestReportedYear(db(), countyIds)]);
  const year = params.year ?? latest ?? years[0] ?? new Date().getFullYear() - 1;
  const filters: QueueFilters = {
    year, status: params.status ?? "submitted", rule: params.rule || undefined, severity: params.severity, unitKind: params.unitKind || undefined,
    functionClass: params.functionClass || undefined, late: params.late === "1", clean: params.clean === "1",
  };
  // One county: its units by name. Several (a city's thousands of units): a count per county.
  const byCounty = countyIds.length > 1;
  const [page, progress, missing] = await Promise.all([
    queuePage(db(), countyIds, filters, decodeCursor(params.after)),
    queueProgress(db(), countyIds, year),
    byCounty ? [] : unitsNotSubmitted(db(), countyIds, year),
  ]);
  // Each row's score was computed with its own county's threshold (reports.server.ts metricsRow).
  const settings = await ruleSettingsByCounty(db(), [...new Set(page.rows.map((r) => r.countyId))], year);
  return {
    year, years, filters, counts: progress.counts,
    rows: page.rows.map((r) => ({
      reportId: r.reportId, unitName: r.unitName, countyName: r.countyName, status: r.status, late: r.late, version: r.version, triageScore: r.triageScore,
      errors: r.errors, warnings: r.warnings, unexplainedWarnings: r.unexplainedWarnings, deviation: r.deviation, executionRate: r.executionRate, selfScore: r.selfScore,
      // "Why this rank": the same pure function that computed the stored score.
      why: triage({
        errors: r.errors, warnings: r.warnings, unexplainedWarnings: r.unexplainedWarnings, deviation: r.deviation, scoreAboveFormula: r.scoreAboveFormula,
        overAchieved: r.overAchieved, selfScore: r.selfScore, formulaScore: r.formulaScore,
      }, settings.get(r.countyId)?.deviationPct ?? 10).parts,
    })),
    next: page.next,
    notSubmitted: missing,
    notSubmittedByCounty: byCounty ? progress.notSubmittedByCounty : null,
  };
}

const bulkSchema = z.object({ intent: z.literal("approveMany"), reports: z.string().max(100_000) });

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewerFor(request, context, "report.review");
  const form = await request.formData();
  const parsed = bulkSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return data({ approved: 0, failed: [] as string[], message: "请求无效" }, { status: 400 });
  let selection: unknown;
  try {
    selection = JSON.parse(parsed.data.reports || "[]");
  } catch {
    return data({ approved: 0, failed: [] as string[], message: "请求无效" }, { status: 400 });
  }
  const items = z.array(z.object({ id: z.string().max(40), version: z.number().int() })).max(200).safeParse(selection);
  if (!items.success || items.data.length === 0) return data({ approved: 0, failed: [] as string[], message: "请先选择要通过的报告" }, { status: 400 });
  const actor = { userId: viewer.userId, name: viewer.displayName, address: clientAddress(context) };
  const scope = scopeOf(viewer);
  let approved = 0;
  const failed: string[] = [];
  for (const item of items.data) {
    const report = await findVisibleReport(db(), scope, item.id);
    if (!report || !can(viewer, "report.review", report)) {
      failed.push(`${item.id}：未找到`);
      continue;
    }
    const outcome = await applyTransition(db(), report, { transition: "approve", expectedVersion: item.version, role: "reviewer" }, actor);
    if (outcome.ok) approved++;
    else failed.push(`${report.unitName}：${outcome.message}`);
  }
  return { approved, failed, message: `已通过 ${approved} 份报告${failed.length ? `，${failed.length} 份未能通过` : ""}` };
}

function pct(fraction: number | null) {
  return fraction == null ? "—" : `${(fraction * 100).toFixed(2)}%`;
}

export default function ReviewQueue() {
  const { year, years, filters, counts, rows, next, notSubmitted, notSubmittedByCounty } = useLoaderData<typeof loader>();
  const notSubmittedCount = notSubmittedByCounty ? notSubmittedByCounty.reduce((sum, c) => sum + c.units, 0) : notSubmitted.length;
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [selected, setSelected] = useState<Record<string, number>>({});
  const [confirming, setConfirming] = useState(false);
  const selectedCount = Object.keys(selected).length;
  const link = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    next.delete("after");
    for (const [k, v] of Object.entries(changes)) (v == null ? next.delete(k) : next.set(k, v));
    return `?${next.toString()}`;
  };
  return (
    <>
      <h1>审核队列</h1>
      <nav className="status-tabs" aria-label="按状态筛选">
        {(["submitted", "returned", "approved", "all"] as const).map((s) => (
          <Link key={s} to={link({ status: s, clean: null })} className={filters.status === s && !filters.clean ? "active" : ""}>
            {s === "all" ? "全部" : STATUS_LABELS[s]}（{s === "all" ? (counts.submitted ?? 0) + (counts.returned ?? 0) + (counts.approved ?? 0) : counts[s] ?? 0}）
          </Link>
        ))}
        <Link to={link({ status: "submitted", clean: "1" })} className={filters.clean ? "active" : ""}>无问题报告（可批量通过）</Link>
        <span className="muted">尚未提交：{notSubmittedCount} 个单位</span>
      </nav>
      <Form method="get" className="card filters">
        <input type="hidden" name="status" value={filters.status ?? "submitted"} />
        {filters.clean ? <input type="hidden" name="clean" value="1" /> : null}
        <label>年度 <select name="year" defaultValue={year}>{years.map((y) => <option key={y} value={y}>{y}</option>)}</select></label>{" "}
        <label>规则 <select name="rule" defaultValue={filters.rule ?? ""}><option value="">全部</option>{RULES.map((r) => <option key={r.id} value={r.id}>{r.title}</option>)}</select></label>{" "}
        <label>严重程度 <select name="severity" defaultValue={filters.severity ?? ""}><option value="">全部</option><option value="error">有错误</option><option value="warning">有提示</option><option value="info">有信息</option></select></label>{" "}
        <label>单位类型 <select name="unitKind" defaultValue={filters.unitKind ?? ""}><option value="">全部</option>{Object.entries(UNIT_KINDS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}</select></label>{" "}
        <label>主要支出类别 <select name="functionClass" defaultValue={filters.functionClass ?? ""}><option value="">全部</option>{Object.entries(FUNCTION_CLASSES).map(([k, v]) => <option key={k} value={k}>{k} {v}</option>)}</select></label>{" "}
        <label><input type="checkbox" name="late" value="1" defaultChecked={filters.late} /> 仅逾期</label>{" "}
        <button type="submit">筛选</button>
      </Form>
      {result?.message ? <div className={result.failed.length ? "form-error" : "success"} role="status">{result.message}{result.failed.map((f) => <div key={f}>{f}</div>)}</div> : null}
      {filters.clean && rows.length ? (
        <div className="card">
          {!confirming ? (
            <button type="button" disabled={!selectedCount} onClick={() => setConfirming(true)}>批量通过所选（{selectedCount}）</button>
          ) : (
            <Form method="post" onSubmit={() => { setConfirming(false); setSelected({}); }}>
              <input type="hidden" name="intent" value="approveMany" />
              <input type="hidden" name="reports" value={JSON.stringify(Object.entries(selected).map(([id, version]) => ({ id, version })))} />
              <p>确认通过所选的 {selectedCount} 份无问题报告？此操作将记录在审计日志中。</p>
              <button type="submit">确认通过</button>{" "}
              <button type="button" className="secondary" onClick={() => setConfirming(false)}>取消</button>
            </Form>
          )}
        </div>
      ) : null}
      <table className="data queue">
        <thead>
          <tr>
            {filters.clean ? <th><span className="visually-hidden">选择</span></th> : null}
            <th className="num">风险分</th><th>单位</th><th>状态</th><th className="num">错误</th><th className="num">提示</th><th className="num">偏离度</th><th className="num">执行率</th><th className="num">自评分</th><th>排序依据</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.reportId} data-report-id={r.reportId}>
              {filters.clean ? (
                <td><input type="checkbox" aria-label={`选择 ${r.unitName}`} checked={r.reportId in selected} onChange={(e) => setSelected((s) => {
                  const copy = { ...s };
                  if (e.target.checked) copy[r.reportId] = r.version; else delete copy[r.reportId];
                  return copy;
                })} /></td>
              ) : null}
              <td className="num">{r.triageScore}</td>
              <td><Link to={`/reports/${r.reportId}`}>{r.unitName}</Link>{r.late ? <span className="tag disabled"> 逾期</span> : null}<div className="muted">{r.countyName}</div></td>
              <td>{STATUS_LABELS[r.status]}</td>
              <td className="num sev-error">{r.errors}</td>
              <td className="num sev-warning">{r.warnings}{r.unexplainedWarnings ? `（${r.unexplainedWarnings}未说明）` : ""}</td>
              <td className="num">{pct(r.deviation)}</td>
              <td className="num">{pct(r.executionRate)}</td>
              <td className="num">{r.selfScore ?? "—"}</td>
              <td className="muted">{r.why.length ? r.why.map((p) => `${p.label}（+${p.points}）`).join("；") : "无风险项"}</td>
            </tr>
          ))}
          {rows.length === 0 ? <tr><td colSpan={10} className="muted">没有符合条件的报告。</td></tr> : null}
        </tbody>
      </table>
      <details className="card">
        <summary>风险分如何计算</summary>
        <p>
          每个强制性错误 +{TRIAGE_WEIGHTS.error}；每个未说明的提示 +{TRIAGE_WEIGHTS.unexplainedWarning}；每个提示 +{TRIAGE_WEIGHTS.warning}；
          偏离度超过阈值 +{TRIAGE_WEIGHTS.deviationOver}，超出部分每个百分点再 +{TRIAGE_WEIGHTS.deviationPerPoint}（最多 +50）；
          每个得分高于标准公式的指标 +{TRIAGE_WEIGHTS.scoreAboveFormula}；每个大幅超额完成的指标 +{TRIAGE_WEIGHTS.overAchieved}；
          自评得分高于公式得分的每一分 +{TRIAGE_WEIGHTS.inflationPerPoint}（最多 +20）。同分时等待最久的排在前面。
        </p>
      </details>
      <p>{params.get("after") ? <Link to={link({})}>回到第一页</Link> : null} {next ? <Link to={link({ after: next })}>下一页 →</Link> : null}</p>
      <section className="card">
        <h2>尚未提交的单位（{notSubmittedCount}）</h2>
        {notSubmittedByCounty ? (
          <p>{notSubmittedByCounty.length ? `按县区：${notSubmittedByCounty.map((c) => `${c.countyName} ${c.units} 个`).join("、")}` : "全部单位均已提交。"}</p>
        ) : (
          <p>{notSubmitted.map((u) => `${u.unitName}${u.status === "returned" || u.status === "draft" ? `（${STATUS_LABELS[u.status]}）` : ""}`).join("、") || "全部单位均已提交。"}</p>
        )}
      </section>
    </>
  );
}
