import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/auth/guard.server";
import type { ReportDocument } from "~/domain/report";
import { attachment } from "~/models/download.server";
import { documentForViewer, requireVisibleReport } from "~/models/reportView.server";
import { db } from "~/services.server";

/** The report in the interchange format self-evaluation/v1. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const report = await requireVisibleReport(db(), request, context, viewer, params.reportId ?? "");
  const document = await documentForViewer(db(), viewer, report);
  return interchangeDownload(report, document);
}

/** The whole stored document, narrative included, as the file (a unit test reads it back). */
export function interchangeDownload(report: { unitName: string; year: number }, document: ReportDocument): Response {
  return attachment(JSON.stringify(document, null, 2), `${report.unitName}-${report.year}-自评报告.json`, "application/json; charset=utf-8");
}
