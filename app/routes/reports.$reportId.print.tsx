import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireViewer } from "~/auth/guard.server";
import { PrintReport as PrintReportBody } from "~/components/report";
import { documentForViewer, requireVisibleReport } from "~/models/reportView.server";
import { db } from "~/services.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const report = await requireVisibleReport(db(), request, context, viewer, params.reportId ?? "");
  const document = await documentForViewer(db(), viewer, report);
  return { report: { id: report.id, unitName: report.unitName, countyName: report.countyName, year: report.year, status: report.status, revision: report.currentRevision }, document };
}

/** A4 print view of the whole report, to sign and file: the narrative, then the 自评表. */
export default function PrintReport() {
  const { report, document } = useLoaderData<typeof loader>();
  return (
    <div className="print-view">
      <p className="no-print">
        <Link to={`/reports/${report.id}`}>← 返回报告</Link>{" "}
        <button type="button" onClick={() => window.print()}>打印</button>
      </p>
      <PrintReportBody report={report} document={document} />
    </div>
  );
}
