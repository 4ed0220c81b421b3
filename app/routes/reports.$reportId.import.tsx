import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { clientAddress, notFound, requireViewer } from "~/auth/guard.server";
import { FormError } from "~/components/Field";
import { MAX_UPLOAD_BYTES } from "~/domain/import/limits";
import { foundSections, IMPORT_SECTIONS, mergeImport, type ImportSection } from "~/domain/import/merge";
import { decide, scopeOf } from "~/domain/permissions";
import { validateReport } from "~/domain/report";
import { checkReport, RULES } from "~/domain/rules";
import { fieldLabel, SEVERITY_LABELS, type Severity } from "~/domain/vocabulary";
import { findVisibleReport } from "~/models/reports.server";
import { saveDraft } from "~/models/reportWrites.server";
import { parseUpload, readUploadForm } from "~/models/uploads.server";
import { db } from "~/services.server";

async function editableReport(request: Request, context: unknown, reportId: string) {
  const viewer = await requireViewer(request, context);
  const report = await findVisibleReport(db(), scopeOf(viewer), reportId);
  // Only the unit's own staff import: to everyone else the page does not exist.
  const decision = report ? decide(viewer, "report.import", report) : "denied";
  if (!report || decision === "denied") return notFound(request, context, viewer, `report:${reportId}`);
  if (decision === "status") throw new Response("报告已提交，当前不能导入修改", { status: 409 });
  return { viewer, report };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { report } = await editableReport(request, context, params.reportId ?? "");
  return { report: { id: report.id, unitName: report.unitName, year: report.year, version: report.version } };
}

type Preview = {
  fileName: string | null;
  /** The template the text looked like (templates.ts), or null. */
  template: { id: string; name: string; kind: "department" | "project" } | null;
  sections: string[];
  document: unknown;
  version: number;
  fields: Array<{ path: string; label: string; value: string; source: string | null; uncertain: boolean }>;
  missing: Array<{ path: string; label: string }>;
  warnings: string[];
  /** The file names another unit or year than this report: shown, the report's own are kept. */
  mismatches: string[];
  flags: Array<{ rule: string; title: string; severity: string; message: string }>;
};

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { viewer, report } = await editableReport(request, context, params.reportId ?? "");
  const upload = await readUploadForm(request);
  if (!upload.ok) return data({ errors: { file: upload.error } as Record<string, string>, preview: null as Preview | null }, { status: 400 });
  const form = upload.form;
  if (form.get("intent") === "accept") {
    let document: unknown;
    try {
      document = JSON.parse(String(form.get("document") ?? ""));
    } catch {
      return data({ errors: { _form: "导入内容已失效，请重新导入" }, preview: null }, { status: 400 });
    }
    // The posted document comes back from the browser: it is checked again, limits included,
    // exactly as a form save is (and saveDraft checks the merged draft once more).
    const parsed = validateReport(document);
    const sections = String(form.get("sections") ?? "").split(",").filter((s): s is ImportSection => (IMPORT_SECTIONS as readonly string[]).includes(s));
    if (!parsed.ok) return data({ errors: { _form: `${parsed.message}，请重新导入` }, preview: null }, { status: 400 });
    if (!sections.length) return data({ errors: { _form: "导入内容无效，请重新导入" }, preview: null }, { status: 400 });
    // Found sections replace the draft's; the unit and the year stay the report's own.
    const merged = { ...mergeImport(report.draft, parsed.document, sections), unit: report.draft.unit.name ? report.draft.unit : { name: report.unitName }, year: report.year };
    const saved = await saveDraft(
      db(), report,
      { expectedVersion: Number(form.get("version")), document: merged, explanations: report.explanations, source: "import" },
      { userId: viewer.userId, name: viewer.displayName, address: clientAddress(context) },
    );
    if (!saved.ok) {
      if ("conflict" in saved) return data({ errors: { _form: "报告在您导入期间已被修改，请刷新后重新导入" }, preview: null }, { status: 409 });
      return data({ errors: { _form: saved.invalid }, preview: null }, { status: 400 });
    }
    throw redirect(`/reports/${report.id}?imported=1`);
  }

  const parsed = await parseUpload(form);
  if (!parsed.ok) return data({ errors: { [parsed.field]: parsed.error } as Record<string, string>, preview: null }, { status: 400 });
  const { result, fileName, lines } = parsed.upload;
  const uncertain = new Set(result.uncertain);
  // Whatever was read is shown, even when none of it can update the draft (only the unit and
  // year found, or a project form): the user sees what was recognised and what was not.
  // The report's prose sections (文字说明) are part of the document: an import brings them too.
  const narrative = Object.keys(result.narrative).length > 0 ? result.narrative : null;
  const found = foundSections(Object.keys(result.sources));
  const sections = narrative && !found.includes("narrative") ? [...found, "narrative" as const] : found;
  const doc = result.document;
  const mismatches = [
    doc.unit.name && doc.unit.name !== report.unitName ? `文件中的单位为“${doc.unit.name}”，与本报告的单位“${report.unitName}”不同` : null,
    doc.year !== null && doc.year !== report.year ? `文件中的年度为${doc.year}年，与本报告的${report.year}年度不同` : null,
  ].filter((m): m is string => m !== null);
  const preview: Preview = {
    fileName,
    template: result.template ?? null,
    sections,
    document: narrative ? { ...result.document, narrative } : result.document,
    version: report.version,
    fields: Object.entries(result.sources).map(([path, ref]) => ({
      path, label: fieldLabel(path), value: valueAt(result.document, path), uncertain: uncertain.has(path),
      // The matched text (a cell, a label and its value) rather than a whole one-line dump.
      source: ref ? `第${ref.line}行：${(ref.text || lines[ref.line - 1] || "").trim().slice(0, 80)}` : null,
    })),
    missing: result.missing.map((path) => ({ path, label: fieldLabel(path) })),
    warnings: result.warnings.map((w) => w.message),
    mismatches,
    flags: checkReport(result.document).map((f) => ({ rule: f.rule, title: RULES.find((r) => r.id === f.rule)?.title ?? f.rule, severity: f.severity, message: f.message })),
  };
  return { errors: {} as Record<string, string>, preview };
}

function valueAt(doc: unknown, path: string): string {
  let value: unknown = doc;
  for (const key of path.replace(/\[(\d+)\]/g, ".$1").split(".")) value = value == null ? undefined : (value as Record<string, unknown>)[key];
  if (value == null) return "—";
  return typeof value === "object" ? JSON.stringify(value).slice(0, 80) : String(value);
}

const TEMPLATE_KINDS: Record<"department" | "project", string> = { department: "部门整体支出", project: "项目支出" };

const SECTION_LABELS: Record<string, string> = {
  staffing: "人员情况", income: "收入", expenditure: "支出", carryover: "结转结余", budgetManagement: "预算管理", projects: "项目情况",
  selfScore: "自评得分", selfGrade: "自评等级", targets: "绩效目标自评表", narrative: "文字说明",
};

export default function ImportReport() {
  const { report } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [fileError, setFileError] = useState<string | null>(null);
  const errors: Record<string, string> = result?.errors ?? {};
  const preview = result?.preview;
  return (
    <>
      <p><Link to={`/reports/${report.id}`}>← 返回报告</Link></p>
      <h1>导入报告 · {report.unitName} {report.year}年度</h1>
      <FormError message={errors._form} />
      {!preview ? (
        <Form method="post" encType="multipart/form-data" className="card" onSubmit={(e) => { if (fileError) e.preventDefault(); }}>
          <input type="hidden" name="intent" value="preview" />
          <div className="field">
            <label htmlFor="import-file">选择文件（.txt、.docx、.xlsx 或导出的 .json，最大 {MAX_UPLOAD_BYTES / 1024 / 1024} MB）</label>
            <input id="import-file" type="file" name="file" accept=".txt,.docx,.xlsx,.json,text/plain"
              aria-invalid={errors.file || fileError ? true : undefined}
              onChange={(e) => {
                const file = e.target.files?.[0];
                setFileError(file && file.size > MAX_UPLOAD_BYTES ? `文件过大（${(file.size / 1024 / 1024).toFixed(1)} MB），上限 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB` : null);
              }} />
            {fileError || errors.file ? <span className="field-error" role="alert">{fileError ?? errors.file}</span> : null}
          </div>
          <div className="field">
            <label htmlFor="import-text">或粘贴报告全文</label>
            <textarea id="import-text" name="text" rows={12} aria-invalid={errors.text ? true : undefined} />
            {errors.text ? <span className="field-error" role="alert">{errors.text}</span> : null}
          </div>
          <button type="submit" disabled={navigation.state !== "idle"}>{navigation.state !== "idle" ? "正在识别…" : "识别并预览"}</button>
        </Form>
      ) : (
        <>
          <section className="card">
            <h2>识别结果{preview.fileName ? `（${preview.fileName}）` : ""}</h2>
            <p data-testid="import-template">
              {preview.template
                ? <>报告格式：<strong>{preview.template.name}</strong>（{TEMPLATE_KINDS[preview.template.kind]}）</>
                : "报告格式：未能确定（按通用格式识别）"}
            </p>
            {preview.template?.kind === "project"
              ? <p className="sev-warning">此文件像是项目支出绩效自评，不是部门整体支出报告：下表只列出其中能用于本报告的内容，项目的资金和指标请在项目自评中导入。</p>
              : null}
            <p>已识别 {preview.fields.length} 项；{preview.missing.length ? <strong className="sev-error">未找到 {preview.missing.length} 项必填内容</strong> : "必填内容齐全"}；
              {preview.fields.filter((f) => f.uncertain).length} 项为推断值（请核对）。</p>
            {preview.mismatches.map((m) => <p key={m} className="sev-warning">{m}，导入后仍以本报告的单位和年度为准。</p>)}
            {preview.warnings.map((w) => <p key={w} className="sev-warning">{w}</p>)}
            {preview.sections.length ? (
              <Form method="post">
                <input type="hidden" name="intent" value="accept" />
                <input type="hidden" name="version" value={preview.version} />
                <input type="hidden" name="document" value={JSON.stringify(preview.document)} />
                <input type="hidden" name="sections" value={preview.sections.join(",")} />
                <p className="muted">将更新：{preview.sections.map((s) => SECTION_LABELS[s] ?? s).join("、")}；其余内容保持不变。</p>
                <button type="submit">接受并保存到草稿</button>{" "}
                <Link to={`/reports/${report.id}/import`} reloadDocument className="button secondary">取消</Link>
              </Form>
            ) : (
              <p>
                <strong className="sev-warning">没有可导入到草稿的内容</strong>（单位名称和年度以本报告为准）。请确认文件，或选择包含收支、人员或绩效指标的报告。{" "}
                <Link to={`/reports/${report.id}/import`} reloadDocument className="button secondary">重新选择</Link>
              </p>
            )}
          </section>
          <section className="card" data-testid="import-found">
            <h2>已识别的内容（{preview.fields.length}）</h2>
            {preview.fields.length ? (
              <table className="data import-preview">
                <thead><tr><th>字段</th><th>识别值</th><th>来源</th></tr></thead>
                <tbody>
                  {preview.fields.map((f) => (
                    <tr key={f.path} data-path={f.path} className={f.uncertain ? "uncertain" : ""}>
                      <td>{f.label}{f.uncertain ? <span className="tag"> 推断</span> : null}</td>
                      <td>{f.value}</td>
                      <td className="muted">{f.source ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : <p className="muted">无</p>}
          </section>
          <section className="card" data-testid="import-missing">
            <h2>未找到的必填内容（{preview.missing.length}）</h2>
            {preview.missing.length ? (
              <ul>{preview.missing.map((m) => <li key={m.path} data-path={m.path} className="sev-error">{m.label}</li>)}</ul>
            ) : <p className="muted">无，必填内容齐全。</p>}
          </section>
          {preview.flags.length ? (
            <section className="card">
              <h2>导入后将出现的问题（{preview.flags.length}）</h2>
              <ul>{preview.flags.map((f, i) => <li key={i} className={`sev-${f.severity}`}>[{SEVERITY_LABELS[f.severity as Severity]}] {f.title}：{f.message}</li>)}</ul>
            </section>
          ) : null}
        </>
      )}
    </>
  );
}
