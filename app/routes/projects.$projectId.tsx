import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, type ShouldRevalidateFunction } from "@remix-run/react";
import { z } from "zod";
import { clientAddress, requireHolder, requireViewer } from "~/auth/guard.server";
import { ProjectDocumentView, ProjectEditor, ProjectFlags, kindLabel, projectFieldLabel } from "~/components/projects";
import { explanationsFromFormData, fieldsFromFormData, fieldsOfDocument, readProjectForm, type ProjectFields } from "~/components/projects/formData";
import { ReviewPanel } from "~/components/ReviewPanel";
import { STATUS_LABELS } from "~/domain/vocabulary";
import { TRANSITION_LABELS, type Transition } from "~/domain/workflow";
import { deleteProject, loadProjectView, requireVisibleProject, saveProject, transitionProject } from "~/models/projects.server";
import { db } from "~/services.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.project.name} · 项目自评表` : "项目自评表" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const project = await requireVisibleProject(db(), request, context, viewer, params.projectId ?? "");
  const view = await loadProjectView(db(), viewer, project);
  return {
    project: {
      id: project.id, name: project.document.project.name, code: project.document.project.code, kind: project.document.project.kind,
      unitId: project.unitId, unitName: project.unitName, countyName: project.countyName, year: project.year, status: project.status,
      version: project.version, currentRevision: project.currentRevision, source: project.source, sourceFileName: project.sourceFileName,
    },
    ...view,
    changes: view.changes.map((c) => ({ ...c, label: projectFieldLabel(c.path, view.document) })),
  };
}

type ActionResult = {
  ok: boolean;
  intent: string;
  message?: string;
  /** Errors by document path, and the fields as typed (kept for the page). */
  errors?: Record<string, string>;
  fields?: ProjectFields;
  explanations?: Record<string, string>;
};

const envelope = z.object({
  intent: z.enum(["save", "submit", "return", "approve", "reopen", "delete"], { message: "未知的操作" }),
  version: z.coerce.number().int("请求无效，请刷新页面后重试"),
});

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const project = await requireVisibleProject(db(), request, context, viewer, params.projectId ?? "");
  const actor = { userId: viewer.userId, name: viewer.displayName, address: clientAddress(context) };
  const form = await request.formData();
  const head = envelope.safeParse({ intent: form.get("intent"), version: form.get("version") });
  if (!head.success) return data<ActionResult>({ ok: false, intent: String(form.get("intent") ?? ""), message: head.error.issues[0].message }, { status: 400 });
  const { intent, version } = head.data;
  const stale = (status: string) => `操作未执行：该项目自评表刚刚已被他人修改，当前状态为“${STATUS_LABELS[status as keyof typeof STATUS_LABELS] ?? status}”。页面已显示最新状态。`;

  switch (intent) {
    case "save":
    case "submit": {
      const decision = await requireHolder(request, context, viewer, intent === "save" ? "report.edit" : "report.submit", project, "只有本单位填报人员可以修改和提交项目自评表");
      if (decision === "status") return data<ActionResult>({ ok: false, intent, message: "项目自评表已提交，当前不能修改" }, { status: 409 });
      const fields = fieldsFromFormData(form);
      const explanations = explanationsFromFormData(form);
      const read = readProjectForm(fields, project.document);
      if (!read.ok) {
        return data<ActionResult>({ ok: false, intent, errors: read.errors, fields, explanations, message: `有${Object.keys(read.errors).length}处填写错误，请修正后再保存` }, { status: 400 });
      }
      const saved = await saveProject(db(), project, { expectedVersion: version, document: read.document, explanations }, actor);
      if (!saved.ok) {
        if ("conflict" in saved) return data<ActionResult>({ ok: false, intent, message: stale(saved.conflict.status), fields, explanations }, { status: 409 });
        return data<ActionResult>({ ok: false, intent, errors: saved.errors, fields, explanations, message: saved.invalid }, { status: 400 });
      }
      if (intent === "save") return { ok: true, intent, message: "已保存" } satisfies ActionResult;
      const submitted = await transitionProject(db(), { ...project, version: saved.version }, { transition: "submit", expectedVersion: saved.version, role: "staff" }, actor);
      if (!submitted.ok) return data<ActionResult>({ ok: false, intent, message: `已保存，但未能提交：${submitted.message}` }, { status: submitted.conflict ? 409 : 400 });
      return { ok: true, intent, message: "项目自评表已提交，等待财政局审核" } satisfies ActionResult;
    }
    case "return":
    case "approve":
    case "reopen": {
      await requireHolder(request, context, viewer, "report.review", project, "只有本县财政局审核人员可以审核项目自评表");
      const outcome = await transitionProject(db(), project, { transition: intent as Transition, expectedVersion: version, reason: String(form.get("reason") ?? ""), role: "reviewer" }, actor);
      if (!outcome.ok) return data<ActionResult>({ ok: false, intent, message: outcome.conflict ? stale(outcome.conflict.status) : outcome.message }, { status: outcome.conflict ? 409 : 400 });
      return { ok: true, intent, message: { approve: "项目自评表已通过", return: "项目自评表已退回单位修改", reopen: "项目自评表已重新打开" }[intent] } satisfies ActionResult;
    }
    case "delete": {
      const decision = await requireHolder(request, context, viewer, "report.edit", project, "只有本单位填报人员可以删除项目自评表");
      if (decision === "status") return data<ActionResult>({ ok: false, intent, message: "已提交的项目自评表不能删除" }, { status: 409 });
      const deleted = await deleteProject(db(), project, { expectedVersion: version }, actor);
      if (!deleted.ok) return data<ActionResult>({ ok: false, intent, message: deleted.message }, { status: 409 });
      throw redirect(`/units/${project.unitId}/projects?year=${project.year}`);
    }
  }
}

/**
 * Reload the form after every post, refused ones included: a refused submit has already saved
 * (a new version), and a 409 says the page now shows the latest state. Remix skips the reload
 * after a 4xx by default. Typed input survives: a refused post's fields are shown over the
 * stored form.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formMethod, defaultShouldRevalidate }) => (formMethod && formMethod.toUpperCase() === "POST" ? true : defaultShouldRevalidate);

export default function ProjectPage() {
  const view = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const navigation = useNavigation();
  const { project } = view;
  const staff = view.perspective === "staff";
  const busy = navigation.state !== "idle";
  // A refused save keeps what was typed (the post's fields); otherwise the stored form.
  const kept = result && !result.ok && result.fields ? result.fields : null;
  return (
    <>
      <p><Link to={`/units/${project.unitId}/projects?year=${project.year}`}>← {project.unitName} {project.year}年度项目自评表</Link></p>
      <div className="report-header">
        <div>
          <h1>{project.name || "（未命名项目）"}</h1>
          <p className="muted">
            {project.code ? `项目编码 ${project.code} · ` : ""}{kindLabel(project.kind)} · {project.unitName} · {project.countyName} · {project.year}年度 ·
            状态：<strong data-testid="project-status">{STATUS_LABELS[project.status]}</strong>
            {project.currentRevision ? ` · 第${project.currentRevision}次提交` : ""}
            {project.sourceFileName ? ` · 导入自 ${project.sourceFileName}` : ""}
          </p>
        </div>
      </div>
      {view.returnReason && staff ? (
        <div className="form-error return-reason" role="alert">
          <strong>项目自评表已被退回</strong>（{view.returnReason.authorName}）：{view.returnReason.reason}
        </div>
      ) : null}
      {result?.message ? <div className={result.ok ? "success" : "form-error"} role={result.ok ? "status" : "alert"}>{result.message}</div> : null}
      {view.perspective === "reviewer" ? (
        <ReviewPanel
          status={project.status}
          version={project.version}
          transitions={view.transitions}
          errorCount={view.flags.filter((f) => f.severity === "error").length}
          busy={busy}
          changes={view.changes}
          comparedRevisions={view.comparedRevisions}
        />
      ) : null}
      {view.editable ? (
        <ProjectEditor
          key={`${project.id}:${project.version}`}
          initial={kept ?? fieldsOfDocument(view.document)}
          version={project.version}
          unitName={project.unitName}
          year={project.year}
          errors={result && !result.ok ? result.errors ?? {} : {}}
          flags={view.flags}
          crossFlags={view.crossFlags}
          explanations={result && !result.ok && result.explanations ? result.explanations : view.explanations}
          canSubmit={view.transitions.includes("submit")}
          busy={busy}
        />
      ) : (
        <>
          <ProjectFlags flags={view.flags} crossFlags={view.crossFlags} showInfo={!staff} />
          <ProjectDocumentView document={view.document} />
        </>
      )}
      {view.reviews.length ? (
        <section className="card" aria-labelledby="project-reviews-title">
          <h2 id="project-reviews-title">审核记录</h2>
          <ul>
            {view.reviews.map((r, i) => (
              <li key={i}>
                {new Date(r.createdAt).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" })} · {r.authorName} · {TRANSITION_LABELS[r.action]}（第{r.revision}次提交）{r.reason ? `：${r.reason}` : ""}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {view.revisions.length ? (
        <section className="card" aria-labelledby="project-revisions-title">
          <h2 id="project-revisions-title">提交记录</h2>
          <ul>
            {view.revisions.map((r) => (
              <li key={r.number}>第{r.number}次提交 · {new Date(r.submittedAt).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" })}{r.submittedByName ? ` · ${r.submittedByName}` : ""}{r.sourceFileName ? ` · ${r.sourceFileName}` : ""}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {view.deletable ? (
        <Form method="post" className="inline-form" onSubmit={(e) => { if (!window.confirm("确定删除这份项目自评表草稿吗？删除后不能恢复。")) e.preventDefault(); }}>
          <input type="hidden" name="intent" value="delete" />
          <input type="hidden" name="version" value={project.version} />
          <button type="submit" className="danger" disabled={busy}>删除此草稿</button>
        </Form>
      ) : null}
    </>
  );
}

export { GeneralErrorBoundary as ErrorBoundary } from "~/components/ErrorBoundary";
