import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { clientAddress, notFound, requirePermission, requireViewer } from "~/auth/guard.server";
import { FormError } from "~/components/Field";
import { CrossCheckPanel, KIND_LABELS, ProjectList } from "~/components/projects";
import { parseForm } from "~/domain/forms";
import { createProject, loadUnitProjectsView, requireVisibleUnit } from "~/models/projects.server";
import { db } from "~/services.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.unit.name} ${data.year}年度项目自评表` : "项目自评表" }];

const yearSchema = z.coerce.number().int().min(2000).max(2100);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const unit = await requireVisibleUnit(db(), request, context, viewer, params.unitId ?? "");
  const requested = yearSchema.safeParse(new URL(request.url).searchParams.get("year") ?? undefined);
  const view = await loadUnitProjectsView(db(), viewer, unit, requested.success ? requested.data : null);
  return { unit: { id: unit.id, name: unit.name, code: unit.code, countyName: unit.countyName }, ...view };
}

const createSchema = z.object({
  intent: z.literal("create"),
  year: yearSchema,
  name: z.string().trim().min(1, "请填写项目名称").max(200, "项目名称不能超过200个字"),
  code: z.string().trim().max(50, "项目编码不能超过50个字").transform((v) => v || null),
  kind: z.enum(["", "recurring", "oneOff"], { message: "请选择项目类型" }).transform((v) => v || null),
});

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const unit = await requireVisibleUnit(db(), request, context, viewer, params.unitId ?? "");
  await requirePermission(request, context, viewer, "report.edit", { countyId: unit.countyId, unitId: unit.id, status: "draft" }, "只有本单位填报人员可以新增项目自评表");
  const form = parseForm(createSchema, await request.formData());
  if (!form.ok) return data({ errors: form.errors, fields: form.fields }, { status: 400 });
  const { year, name, code, kind } = form.value;
  const created = await createProject(db(), viewer, unit, year, { name, code, kind }, { userId: viewer.userId, name: viewer.displayName, address: clientAddress(context) });
  if (!created.ok) {
    if (created.status === 404) return notFound(request, context, viewer, `unit:${unit.id}`);
    const errors = { _form: created.message, ...(created.errors?.["project.name"] ? { name: created.errors["project.name"] } : {}), ...(created.errors?.["project.code"] ? { code: created.errors["project.code"] } : {}) };
    return data({ errors, fields: form.fields }, { status: 400 });
  }
  throw redirect(`/projects/${created.id}`);
}

export default function UnitProjects() {
  const view = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors: Record<string, string> = result?.errors ?? {};
  const fields: Record<string, string> = result?.fields ?? {};
  const staff = view.perspective === "staff";
  return (
    <>
      <div className="report-header">
        <div>
          <h1>{view.unit.name} {view.year}年度项目支出绩效自评表</h1>
          <p className="muted">{view.unit.countyName} · 共{view.projects.length}份{view.cross?.drafts && staff ? `，其中${view.cross.drafts}份为草稿` : ""}</p>
        </div>
        <nav className="report-links" aria-label="年度">
          {view.years.map((y) => (y === view.year ? <strong key={y}>{y}年度</strong> : <Link key={y} to={`?year=${y}`}>{y}年度</Link>))}
          {view.rights.import ? <Link to={`import?year=${view.year}`}>导入项目自评表</Link> : null}
        </nav>
      </div>
      {staff && !view.campaignOpen ? <p className="notice">{view.year}年度尚未开放填报，不能新增或导入项目自评表。</p> : null}
      <section className="card">
        <h2>项目自评表</h2>
        <ProjectList rows={view.projects} staff={staff} />
      </section>
      <CrossCheckPanel report={view.cross?.report ?? null} totals={view.totals} flags={view.cross?.flags ?? []} drafts={staff ? view.cross?.drafts ?? 0 : 0} />
      {view.rights.create ? (
        <section className="card" aria-labelledby="add-project-title">
          <h2 id="add-project-title">手工新增项目自评表</h2>
          <FormError message={errors._form && !errors.name && !errors.code ? errors._form : undefined} />
          <Form method="post" noValidate className="form-grid">
            <input type="hidden" name="intent" value="create" />
            <input type="hidden" name="year" value={view.year} />
            <div className="field span-2">
              <label htmlFor="new-name">项目名称（必填）</label>
              <input id="new-name" name="name" maxLength={200} defaultValue={fields.name ?? ""} aria-invalid={errors.name ? true : undefined} aria-describedby={errors.name ? "new-name-error" : undefined} />
              {errors.name ? <span className="field-error" id="new-name-error" role="alert">{errors.name}</span> : null}
            </div>
            <div className="field">
              <label htmlFor="new-code">项目编码</label>
              <input id="new-code" name="code" maxLength={50} defaultValue={fields.code ?? ""} aria-invalid={errors.code ? true : undefined} aria-describedby={errors.code ? "new-code-error" : undefined} />
              {errors.code ? <span className="field-error" id="new-code-error" role="alert">{errors.code}</span> : null}
            </div>
            <div className="field">
              <label htmlFor="new-kind">项目类型</label>
              <select id="new-kind" name="kind" defaultValue={fields.kind ?? ""} aria-invalid={errors.kind ? true : undefined}>
                <option value="">未定</option>
                <option value="recurring">{KIND_LABELS.recurring}</option>
                <option value="oneOff">{KIND_LABELS.oneOff}</option>
              </select>
              {errors.kind ? <span className="field-error" role="alert">{errors.kind}</span> : null}
            </div>
            <div className="field">
              <span className="ro-label">&nbsp;</span>
              <button type="submit" disabled={navigation.state !== "idle"}>新增并填写</button>
            </div>
          </Form>
        </section>
      ) : null}
    </>
  );
}

export { GeneralErrorBoundary as ErrorBoundary } from "~/components/ErrorBoundary";
