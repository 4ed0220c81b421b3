import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { clientAddress, notFound, requireViewer } from "~/auth/guard.server";
import { FormError } from "~/components/Field";
import { KIND_LABELS, kindLabel, projectFieldLabel } from "~/components/projects";
import { MAX_UPLOAD_BYTES } from "~/domain/import/limits";
import { decide } from "~/domain/permissions";
import { fundsTotal, PROJECT_KINDS, type ProjectEvaluation } from "~/domain/projectEvaluation";
import { campaignYears } from "~/models/campaigns.server";
import { importProjects, previewProjectImport, readProjectUpload, requireVisibleUnit, type ImportedForm, type ImportPreviewItem } from "~/models/projects.server";
import { readUploadForm } from "~/models/uploads.server";
import { db } from "~/services.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `导入项目自评表 · ${data.unit.name}` : "导入项目自评表" }];

const yearSchema = z.coerce.number().int().min(2000).max(2100);

/** Only the unit's own staff import: to everyone else the page does not exist (as the report's import). */
async function importingUnit(request: Request, context: unknown, unitId: string) {
  const viewer = await requireViewer(request, context);
  const unit = await requireVisibleUnit(db(), request, context, viewer, unitId);
  if (decide(viewer, "report.import", { countyId: unit.countyId, unitId: unit.id, status: "draft" }) === "denied") return notFound(request, context, viewer, `unit:${unitId}`);
  return { viewer, unit };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { unit } = await importingUnit(request, context, params.unitId ?? "");
  const years = await campaignYears(db(), [unit.countyId]);
  const requested = yearSchema.safeParse(new URL(request.url).searchParams.get("year") ?? undefined);
  const year = requested.success ? requested.data : years[0] ?? new Date().getFullYear() - 1;
  return { unit: { id: unit.id, name: unit.name }, year, open: years.includes(year) };
}

interface Preview {
  fileName: string | null;
  year: number;
  items: ImportPreviewItem[];
}

type ActionData = { errors: Record<string, string>; preview: Preview | null; imported: ImportedForm[] | null };

const answer = (body: Partial<ActionData>, status = 200) => data<ActionData>({ errors: {}, preview: null, imported: null, ...body }, { status });

const acceptSchema = z.object({
  year: yearSchema,
  fileName: z.string().max(255).transform((v) => v || null),
  forms: z.string().max(20 * 1024 * 1024).transform((raw, ctx) => {
    try {
      const value = JSON.parse(raw);
      if (Array.isArray(value) && value.length <= 200) return value as unknown[];
    } catch {
      // fall through
    }
    ctx.addIssue({ code: "custom", message: "导入内容已失效，请重新导入" });
    return z.NEVER;
  }),
});

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { viewer, unit } = await importingUnit(request, context, params.unitId ?? "");
  const upload = await readUploadForm(request);
  if (!upload.ok) return answer({ errors: { file: upload.error } }, 400);
  const form = upload.form;
  if (form.get("intent") === "accept") {
    const parsed = acceptSchema.safeParse({ year: form.get("year"), fileName: form.get("fileName") ?? "", forms: form.get("forms") ?? "" });
    if (!parsed.success) return answer({ errors: { _form: parsed.error.issues[0]?.message ?? "导入内容无效，请重新导入" } }, 400);
    const { year, fileName, forms } = parsed.data;
    const taken = new Set(form.getAll("take").map(String));
    // The unit's choice of kind per form, over what the file said; a form of another year is never taken.
    const chosen = forms.map((f, i) => ({ f: f as ProjectEvaluation, i })).filter(({ f, i }) => taken.has(String(i)) && f && typeof f === "object" && (f.year == null || f.year === year));
    const withKinds = chosen.map(({ f, i }) => {
      const kind = String(form.get(`kind.${i}`) ?? "");
      return f.project && typeof f.project === "object" ? { ...f, project: { ...f.project, kind: (PROJECT_KINDS as readonly string[]).includes(kind) ? kind : null } } : f;
    });
    if (!withKinds.length) return answer({ errors: { _form: "请至少选择一份项目自评表" } }, 400);
    const result = await importProjects(db(), viewer, unit, year, { forms: withKinds, fileName }, { userId: viewer.userId, name: viewer.displayName, address: clientAddress(context) });
    if (!result.ok) return answer({ errors: { _form: result.message } }, result.status);
    return answer({ imported: result.outcomes.map((o) => ({ ...o, index: chosen[o.index].i })) });
  }

  const year = yearSchema.safeParse(form.get("year"));
  if (!year.success) return answer({ errors: { _form: "请选择年度" } }, 400);
  const read = await readProjectUpload(form);
  if (!read.ok) return answer({ errors: { [read.field]: read.error } }, 400);
  const items = await previewProjectImport(db(), unit, year.data, read.forms, read.fileName);
  return answer({ preview: { fileName: read.fileName, year: year.data, items } });
}

const OUTCOME_LABELS = { created: "新建草稿", updated: "更新现有草稿", skipped: "跳过" } as const;

export default function ImportProjects() {
  const { unit, year, open } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [fileError, setFileError] = useState<string | null>(null);
  const errors: Record<string, string> = result?.errors ?? {};
  const preview = result?.preview;
  const back = `/units/${unit.id}/projects?year=${year}`;
  return (
    <>
      <p><Link to={back}>← 返回项目自评表列表</Link></p>
      <h1>导入项目自评表 · {unit.name} {year}年度</h1>
      <FormError message={errors._form} />
      {!open ? <p className="notice">{year}年度尚未开放填报，不能导入。</p> : null}
      {result?.imported ? <ImportDone imported={result.imported} back={back} /> : preview ? <PreviewTable preview={preview} busy={navigation.state !== "idle"} /> : (
        <Form method="post" encType="multipart/form-data" className="card" onSubmit={(e) => { if (fileError) e.preventDefault(); }}>
          <input type="hidden" name="intent" value="preview" />
          <input type="hidden" name="year" value={year} />
          <p className="muted">一个文件可包含一份或多份项目支出绩效自评表（四川 510000_0013zp 表样或财预〔2020〕10号表样）。识别后先预览，确认后才保存为草稿；项目编码相同的现有草稿将被更新。</p>
          <div className="field">
            <label htmlFor="import-file">选择文件（.docx、.xlsx、.txt、.pdf、.html，最大 {MAX_UPLOAD_BYTES / 1024 / 1024} MB）</label>
            <input id="import-file" type="file" name="file" accept=".docx,.xlsx,.txt,.pdf,.html,.htm,text/plain"
              aria-invalid={errors.file || fileError ? true : undefined}
              onChange={(e) => {
                const file = e.target.files?.[0];
                setFileError(file && file.size > MAX_UPLOAD_BYTES ? `文件过大（${(file.size / 1024 / 1024).toFixed(1)} MB），上限 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB` : null);
              }} />
            {fileError || errors.file ? <span className="field-error" role="alert">{fileError ?? errors.file}</span> : null}
          </div>
          <div className="field">
            <label htmlFor="import-text">或粘贴自评表文本</label>
            <textarea id="import-text" name="text" rows={10} aria-invalid={errors.text ? true : undefined} />
            {errors.text ? <span className="field-error" role="alert">{errors.text}</span> : null}
          </div>
          <button type="submit" disabled={navigation.state !== "idle" || !open}>{navigation.state !== "idle" ? "正在识别…" : "识别并预览"}</button>
        </Form>
      )}
    </>
  );
}

function PreviewTable({ preview, busy }: { preview: Preview; busy: boolean }) {
  const selectable = (item: ImportPreviewItem) => item.outcome !== "skipped" && !item.yearMismatch;
  return (
    <section className="card import-preview">
      <h2>识别结果{preview.fileName ? `（${preview.fileName}）` : ""}：共{preview.items.length}份项目自评表</h2>
      <p className="muted small">勾选要导入的自评表，并确认项目类型（常年项目 / 一次性项目，用于与部门报告“项目情况”核对）。导入后均为草稿，可继续修改。</p>
      <Form method="post" encType="multipart/form-data">
        <input type="hidden" name="intent" value="accept" />
        <input type="hidden" name="year" value={preview.year} />
        <input type="hidden" name="fileName" value={preview.fileName ?? ""} />
        <input type="hidden" name="forms" value={JSON.stringify(preview.items.map((i) => i.evaluation))} />
        <div className="table-scroll">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">导入</th><th scope="col">项目名称</th><th scope="col">项目编码</th><th scope="col">实施单位（表中所填）</th><th scope="col">类型</th>
                <th scope="col" className="num">调整后预算（万元）</th><th scope="col" className="num">执行数（万元）</th><th scope="col" className="num">执行率</th>
                <th scope="col" className="num">总分</th><th scope="col">缺少</th><th scope="col">检查</th><th scope="col">导入后</th>
              </tr>
            </thead>
            <tbody>
              {preview.items.map((item) => {
                const e = item.evaluation;
                const total = fundsTotal(e);
                return (
                  <tr key={item.index} data-form-index={item.index}>
                    <td>
                      <input type="checkbox" name="take" value={item.index} defaultChecked={selectable(item)} disabled={!selectable(item)}
                        aria-label={`导入“${e.project.name || `第${item.index + 1}份`}”`} />
                    </td>
                    <td>{e.project.name || <span className="sev-error">（未识别出项目名称）</span>}{item.nameLine ? <span className="muted small"> 第{item.nameLine}行</span> : null}</td>
                    <td className="code-cell">{e.project.code ?? "—"}</td>
                    <td>{e.unit.name || "—"}{item.unitMismatch ? <span className="sev-warning small"> 与本单位名称不同，导入后归入本单位</span> : null}</td>
                    <td>
                      <select name={`kind.${item.index}`} defaultValue={e.project.kind ?? ""} aria-label={`“${e.project.name}”的项目类型`} disabled={!selectable(item)}>
                        <option value="">未定</option>
                        {PROJECT_KINDS.map((k) => <option key={k} value={k}>{KIND_LABELS[k]}</option>)}
                      </select>
                      <span className="visually-hidden">{kindLabel(e.project.kind)}</span>
                    </td>
                    <td className="num">{total?.adjustedBudget ?? "—"}</td>
                    <td className="num">{total?.executed ?? "—"}</td>
                    <td className="num">{total?.statedRatePct != null ? `${total.statedRatePct}%` : "—"}</td>
                    <td className="num">{e.totalScore ?? "—"}</td>
                    <td>{item.missing.length ? <span className="sev-warning small">{item.missing.map((p) => projectFieldLabel(p, e)).join("、")}</span> : "—"}</td>
                    <td><span className="sev-error">错误{item.errors}</span> · <span className="sev-warning">提示{item.warnings}</span></td>
                    <td>
                      {item.yearMismatch ? <span className="sev-error">表中年度为{e.year}年，与所选的{preview.year}年度不符，不能导入</span>
                        : item.outcome === "skipped" ? <span className="sev-warning">{OUTCOME_LABELS.skipped}：{item.message}</span>
                        : OUTCOME_LABELS[item.outcome]}
                      {item.projectId ? <> · <Link to={`/projects/${item.projectId}`}>现有自评表</Link></> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <button type="submit" disabled={busy || !preview.items.some(selectable)}>导入所选自评表</button>{" "}
        <Link to={`?year=${preview.year}`} reloadDocument>重新选择文件</Link>
      </Form>
    </section>
  );
}

function ImportDone({ imported, back }: { imported: ImportedForm[]; back: string }) {
  const done = imported.filter((o) => o.outcome !== "skipped").length;
  return (
    <section className="card" role="status">
      <h2>已导入{done}份项目自评表</h2>
      <ul>
        {imported.map((o) => (
          <li key={o.index}>
            {o.name || `第${o.index + 1}份`}：{OUTCOME_LABELS[o.outcome]}{o.message ? `（${o.message}）` : ""}
            {o.projectId && o.outcome !== "skipped" ? <> · <Link to={`/projects/${o.projectId}`}>查看并修改</Link></> : null}
          </li>
        ))}
      </ul>
      <p><Link to={back}>返回项目自评表列表</Link></p>
    </section>
  );
}

export { GeneralErrorBoundary as ErrorBoundary } from "~/components/ErrorBoundary";
