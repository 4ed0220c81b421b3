import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireViewer } from "~/auth/guard.server";
import { ReportForm } from "~/components/report";
import { STATUS_LABELS } from "~/domain/vocabulary";
import { documentForViewer, requireVisibleReport } from "~/models/reportView.server";
import { db } from "~/services.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const report = await requireVisibleReport(db(), request, context, viewer, params.reportId ?? "");
  const document = await documentForViewer(db(), viewer, report);
  return { report: { id: report.id, unitName: report.unitName, countyName: report.countyName, year: report.year, status: report.status, revision: report.currentRevision }, document };
}

/** A4 print view of the whole report, to sign and file. */
export default function PrintReport() {
  const { report, document } = useLoaderData<typeof loader>();
  return (
    <div className="print-view">
      <p className="no-print">
        <Link to={`/reports/${report.id}`}>← 返回报告</Link>{" "}
        <button type="button" onClick={() => window.print()}>打印</button>
      </p>
      <h1 className="print-title">{report.unitName}{report.year}年度部门预算绩效自评报告</h1>
      <p className="muted">{report.countyName} · {STATUS_LABELS[report.status]}{report.revision ? ` · 第${report.revision}次提交` : ""}</p>
      <ReportForm initial={document} version={0} explanations={{}} ruleContext={{}} editable={false} action="" showInfo={false} />
      <div className="signatures">
        <span>单位负责人（签字）：</span><span>填报人（签字）：</span><span>单位（盖章）：</span><span>日期：</span>
      </div>
    </div>
  );
}
