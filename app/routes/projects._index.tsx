import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { forbidden, requireViewer } from "~/auth/guard.server";
import { ProjectList } from "~/components/projects";
import { scopeOf } from "~/domain/permissions";
import type { ProjectStatus } from "~/domain/projectPlan";
import { STATUS_LABELS } from "~/domain/vocabulary";
import { campaignYears } from "~/models/campaigns.server";
import { listCountyProjects } from "~/models/projects.server";
import { countyIdsFor } from "~/models/scope.server";
import { listCounties } from "~/models/units.server";
import { db } from "~/services.server";

export const meta: MetaFunction = () => [{ title: "项目自评表" }];

const STATUS_FILTERS = ["submitted", "returned", "approved"] as const satisfies readonly ProjectStatus[];
const querySchema = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined),
  status: z.enum(STATUS_FILTERS).optional().catch(undefined),
});

/**
 * The bureau's list of a county-year's project forms (from submission on, as the permission
 * rules let it see them); unit staff are sent to their own unit's list.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const scope = scopeOf(viewer);
  const countyIds = countyIdsFor(viewer, "report.view");
  if (!countyIds.length) {
    if (scope.staffUnitIds.length) throw redirect(`/units/${scope.staffUnitIds[0]}/projects`);
    return forbidden(request, context, viewer, "projects");
  }
  const url = new URL(request.url);
  const query = querySchema.parse({ year: url.searchParams.get("year") ?? undefined, status: url.searchParams.get("status") ?? undefined });
  const years = await campaignYears(db(), countyIds);
  const year = query.year ?? years[0] ?? new Date().getFullYear() - 1;
  const counties = await listCounties(db(), countyIds);
  const lists = await Promise.all(countyIds.map((id) => listCountyProjects(db(), scope, id, year, query.status ? [query.status] : undefined)));
  return {
    year, years, status: query.status ?? null,
    counties: countyIds.map((id, i) => ({ id, name: counties.find((c) => c.id === id)?.name ?? "", projects: lists[i] })),
  };
}

export default function CountyProjects() {
  const { year, years, status, counties } = useLoaderData<typeof loader>();
  const link = (y: number, s: string | null) => `?year=${y}${s ? `&status=${s}` : ""}`;
  return (
    <>
      <h1>{year}年度项目支出绩效自评表</h1>
      <nav className="filters" aria-label="筛选">
        <span>年度：</span>
        {years.map((y) => (y === year ? <strong key={y}>{y}</strong> : <Link key={y} to={link(y, status)}>{y}</Link>))}
        <span> · 状态：</span>
        {status ? <Link to={link(year, null)}>全部</Link> : <strong>全部</strong>}
        {STATUS_FILTERS.map((s) => (s === status ? <strong key={s}>{STATUS_LABELS[s]}</strong> : <Link key={s} to={link(year, s)}>{STATUS_LABELS[s]}</Link>))}
      </nav>
      {counties.map((county) => (
        <section className="card" key={county.id}>
          <h2>{county.name}（{county.projects.length}份）</h2>
          <ProjectList rows={county.projects} showUnit />
          <p className="muted small">
            按单位查看与部门报告的交叉核对：
            {[...new Map(county.projects.map((p) => [p.unitId, p.unitName])).entries()].map(([unitId, name], i) => (
              <span key={unitId}>{i ? "、" : ""}<Link to={`/units/${unitId}/projects?year=${year}`}>{name}</Link></span>
            ))}
          </p>
        </section>
      ))}
    </>
  );
}

export { GeneralErrorBoundary as ErrorBoundary } from "~/components/ErrorBoundary";
