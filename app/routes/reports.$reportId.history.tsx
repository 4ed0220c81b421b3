import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireViewer } from "~/auth/guard.server";
import { auditLabel } from "~/domain/auditLabels";
import { STATUS_LABELS, type ReportStatus } from "~/domain/vocabulary";
import { entityHistory } from "~/models/audit.server";
import { listRevisions } from "~/models/reports.server";
import { requireVisibleReport } from "~/models/reportView.server";
import { db } from "~/services.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const report = await requireVisibleReport(db(), request, context, viewer, params.reportId ?? "");
  const [revisions, events] = await Promise.all([listRevisions(db(), report.id), entityHistory(db(), report.id)]);
  return {
    report: { id: report.id, unitName: report.unitName, year: report.year },
    revisions: revisions.map((r) => ({ number: r.number, submittedAt: r.submittedAt, submittedByName: r.submittedByName, sourceFileName: r.sourceFileName, flags: r.flags.length })),
    events: events.map((e) => ({ seq: e.seq, at: e.at, actor: e.actor_name, action: e.action, from: e.from_state, to: e.to_state })),
  };
}

const time = (ms: number) => new Date(ms).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
const status = (s: string | null) => (s ? STATUS_LABELS[s as ReportStatus] ?? s : "");

export default function History() {
  const { report, revisions, events } = useLoaderData<typeof loader>();
  return (
    <>
      <p><Link to={`/reports/${report.id}`}>← 返回报告</Link></p>
      <h1>历史记录 · {report.unitName} {report.year}年度</h1>
      <section className="card">
        <h2>提交版本（{revisions.length}）</h2>
        <table className="data">
          <thead><tr><th>版本</th><th>提交时间</th><th>提交人</th><th>来源文件</th><th className="num">问题数</th></tr></thead>
          <tbody>
            {revisions.map((r) => <tr key={r.number}><td>第{r.number}次</td><td>{time(r.submittedAt)}</td><td>{r.submittedByName ?? "—"}</td><td>{r.sourceFileName ?? "—"}</td><td className="num">{r.flags}</td></tr>)}
            {revisions.length === 0 ? <tr><td colSpan={5} className="muted">尚未提交。</td></tr> : null}
          </tbody>
        </table>
      </section>
      <section className="card">
        <h2>操作记录</h2>
        <table className="data">
          <thead><tr><th>时间</th><th>操作人</th><th>操作</th><th>状态变化</th></tr></thead>
          <tbody>
            {events.map((e) => <tr key={e.seq}><td>{time(e.at)}</td><td>{e.actor ?? "—"}</td><td>{auditLabel(e.action)}</td><td>{e.from !== e.to ? `${status(e.from)} → ${status(e.to)}` : ""}</td></tr>)}
          </tbody>
        </table>
      </section>
    </>
  );
}
