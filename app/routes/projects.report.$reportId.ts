import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/auth/guard.server";
import type { ProjectFormsSummary } from "~/components/projects/ProjectFormsPanel";
import { requireVisibleReport } from "~/models/reportView.server";
import { crossChecksFor } from "~/models/projects.server";
import { db } from "~/services.server";

/**
 * The department report's side of the project cross-checks (X1–X4) and how many project forms
 * its unit has for the year, for the report page's panel (ProjectFormsPanel). The report must
 * be one the viewer sees; the figures are the viewer's own view of both sides.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const report = await requireVisibleReport(db(), request, context, viewer, params.reportId ?? "");
  const cross = await crossChecksFor(db(), viewer, report.unitId, report.year);
  const summary: ProjectFormsSummary = {
    unitId: report.unitId, year: report.year, formCount: cross?.formCount ?? 0, drafts: cross?.drafts ?? 0, flags: cross?.reportFlags ?? [],
  };
  return Response.json(summary, { headers: { "Cache-Control": "private, no-store" } });
}
