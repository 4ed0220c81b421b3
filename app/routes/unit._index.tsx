import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { clientAddress, notFound, requireViewerFor } from "~/auth/guard.server";
import { FormError } from "~/components/Field";
import { parseForm } from "~/domain/forms";
import { scopeOf } from "~/domain/permissions";
import { STATUS_LABELS } from "~/domain/vocabulary";
import { campaignOpen, listCampaigns } from "~/models/campaigns.server";
import { listOpenCommentCounts } from "~/models/comments.server";
import { listStaffReports } from "~/models/reports.server";
import { ensureStaffReport } from "~/models/reportWrites.server";
import { listStaffUnits } from "~/models/units.server";
import { db } from "~/services.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewerFor(request, context, "report.edit");
  const scope = scopeOf(viewer);
  const [units, reports] = await Promise.all([listStaffUnits(db(), scope), listStaffReports(db(), scope)]);
  const campaigns = await listCampaigns(db(), [...new Set(units.map((u) => u.countyId))]);
  const openComments = await listOpenCommentCounts(db(), reports.map((r) => r.id));
  return {
    units: units.map((unit) => ({
      id: unit.id,
      code: unit.code,
      name: unit.name,
      countyName: unit.countyName,
      reports: reports.filter((r) => r.unitId === unit.id).map((r) => ({ ...r, openComments: openComments[r.id] ?? 0 })),
      // Years with a campaign but no report yet can be started.
      startableYears: campaigns.filter((c) => c.countyId === unit.countyId && !reports.some((r) => r.unitId === unit.id && r.year === c.year)).map((c) => c.year),
    })),
  };
}

const startSchema = z.object({ intent: z.literal("start"), unitId: z.string().min(1), year: z.coerce.number().int().min(2000).max(2100) });

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewerFor(request, context, "report.edit");
  const form = parseForm(startSchema, await request.formData());
  if (!form.ok) return data({ error: "请求无效" }, { status: 400 });
  const scope = scopeOf(viewer);
  const { unitId, year } = form.value;
  const unit = (await listStaffUnits(db(), scope)).find((u) => u.id === unitId);
  if (!unit) return notFound(request, context, viewer, `unit:${unitId}`, "未找到该单位");
  // Only a year the county has opened (填报年度, set by its admin) can be started.
  if (!(await campaignOpen(db(), unit.countyId, year))) return data({ error: `${unit.countyName}尚未开放${year}年度的填报，不能开始填报该年度报告` }, { status: 400 });
  const id = await ensureStaffReport(db(), viewer, unitId, year, { userId: viewer.userId, name: viewer.displayName, address: clientAddress(context) });
  if (!id) return notFound(request, context, viewer, `unit:${unitId}`, "未找到该单位");
  throw redirect(`/reports/${id}`);
}

export default function UnitHome() {
  const { units } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>我的填报</h1>
      <FormError message={result?.error} />
      {units.map((unit) => {
        const attention = unit.reports.filter((r) => r.status === "returned" || r.openComments > 0);
        return (
          <section className="card" key={unit.id} data-unit-id={unit.id}>
            <h2>{unit.name}</h2>
            <p className="muted">{unit.countyName} · 单位编码 {unit.code}</p>
            {attention.map((r) => (
              <div key={r.id} className="form-error" role="status">
                {r.status === "returned" ? `${r.year}年度报告已被退回，请查看退回原因并修改后重新提交。` : `${r.year}年度报告有 ${r.openComments} 条审核意见待回复。`}{" "}
                <Link to={`/reports/${r.id}`}>立即处理</Link>
              </div>
            ))}
            <table className="data">
              <thead>
                <tr><th>年度</th><th>状态</th><th className="num">错误</th><th className="num">提示</th><th className="num">待说明</th><th className="num">待回复意见</th><th></th></tr>
              </thead>
              <tbody>
                {unit.reports.map((r) => (
                  <tr key={r.id}>
                    <td>{r.year}</td>
                    <td>{STATUS_LABELS[r.status]}</td>
                    <td className="num sev-error">{r.errors}</td>
                    <td className="num sev-warning">{r.warnings}</td>
                    <td className="num">{r.unexplainedWarnings}</td>
                    <td className="num">{r.openComments}</td>
                    <td><Link to={`/reports/${r.id}`}>{r.status === "draft" || r.status === "returned" ? "填报" : "查看"}</Link> · <Link to={`/units/${unit.id}/projects?year=${r.year}`}>项目自评表</Link></td>
                  </tr>
                ))}
                {unit.reports.length === 0 ? <tr><td colSpan={7} className="muted">还没有报告。</td></tr> : null}
              </tbody>
            </table>
            {unit.startableYears.length ? (
              // A <div>: a <form> inside a <p> is closed by the parser and breaks hydration.
              <div>
                {unit.startableYears.map((year) => (
                  <Form method="post" key={year} className="inline-form">
                    <input type="hidden" name="intent" value="start" />
                    <input type="hidden" name="unitId" value={unit.id} />
                    <input type="hidden" name="year" value={year} />
                    <button type="submit" className="secondary">开始填报{year}年度报告</button>{" "}
                  </Form>
                ))}
              </div>
            ) : null}
          </section>
        );
      })}
    </>
  );
}
