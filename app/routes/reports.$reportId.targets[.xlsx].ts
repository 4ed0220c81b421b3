import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/auth/guard.server";
import { targetTableToXlsx } from "~/domain/export/target-table";
import { attachment } from "~/models/download.server";
import { documentForViewer, requireVisibleReport } from "~/models/reportView.server";
import { db } from "~/services.server";

/** The target table (部门整体支出绩效目标完成情况自评表) as .xlsx in the paper layout. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const report = await requireVisibleReport(db(), request, context, viewer, params.reportId ?? "");
  const document = await documentForViewer(db(), viewer, report);
  const bytes = await targetTableToXlsx(document);
  return attachment(bytes, `${report.unitName}-${report.year}-绩效目标自评表.xlsx`, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}
