import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { clientAddress, requireHolder, requirePermission, requireViewer } from "~/auth/guard.server";
import { FormError } from "~/components/Field";
import { ReportForm } from "~/components/report";
import { ReviewPanel } from "~/components/ReviewPanel";
import { CommentThread } from "~/components/CommentThread";
import { fromFormDocument, readExplanations, readFormDocument, toFormPath } from "~/domain/formDocument";
import { flagsForStaff } from "~/domain/rules";
import type { Transition } from "~/domain/workflow";
import { STATUS_LABELS } from "~/domain/vocabulary";
import { addComment, resolveComment } from "~/models/comments.server";
import { loadReportView, perspectiveOf, requireVisibleReport } from "~/models/reportView.server";
import { applyTransition, saveDraft } from "~/models/reportWrites.server";
import { db } from "~/services.server";
import { ProjectFormsPanel } from "~/components/projects";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.report.unitName} ${data.report.year}年度绩效自评报告` : "报告" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const report = await requireVisibleReport(db(), request, context, viewer, params.reportId ?? "");
  const view = await loadReportView(db(), viewer, report);
  return {
    report: {
      id: report.id, unitName: report.unitName, countyName: report.countyName, year: report.year, status: report.status, version: report.version,
      currentRevision: report.currentRevision, updatedAt: report.updatedAt, isDemo: report.isDemo, source: report.source,
    },
    ...view,
  };
}

type ActionResult = {
  ok: boolean;
  message?: string;
  errors?: Record<string, string>;
  conflict?: { status: string; version: number };
  version?: number;
  flags?: unknown[];
  intent?: string;
};

export async function action({ request, context, params }: ActionFunctionArgs) {
  const viewer = await requireViewer(request, context);
  const report = await requireVisibleReport(db(), request, context, viewer, params.reportId ?? "");
  const perspective = perspectiveOf(viewer, report);
  const actor = { userId: viewer.userId, name: viewer.displayName, address: clientAddress(context) };
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const version = Number(form.get("version"));
  const refuse = (status: number, message: string) => data<ActionResult>({ ok: false, message, intent }, { status });

  switch (intent) {
    case "save":
    case "submit": {
      await requireHolder(request, context, viewer, intent === "save" ? "report.edit" : "report.submit", report, "只有本单位填报人员可以修改和提交报告");
      const formDocument = readFormDocument(form.get("document"));
      const explanations = readExplanations(form.get("explanations") ?? "{}");
      if (!formDocument || !explanations || !Number.isInteger(version)) return refuse(400, "提交的内容格式无效，请刷新页面后重试");
      const { document, errors, rowIndex } = fromFormDocument(formDocument);
      if (!document) return data<ActionResult>({ ok: false, errors, message: `有${Object.keys(errors).length}处填写错误，请修正后再保存`, intent }, { status: 400 });
      // Who the report belongs to comes from the record, never from the form.
      const owned = { ...document, unit: { ...document.unit, name: report.unitName }, year: report.year };
      const saved = await saveDraft(db(), report, { expectedVersion: version, document: owned, explanations }, actor);
      if (!saved.ok) {
        if ("conflict" in saved) return data<ActionResult>({ ok: false, conflict: saved.conflict, intent }, { status: 409 });
        // The model's own check (schema and limits): its paths are the document's, shown beside the form's fields.
        const fieldErrors = Object.fromEntries(Object.entries(saved.errors).map(([path, message]) => [toFormPath(path, rowIndex), message]));
        return data<ActionResult>({ ok: false, errors: fieldErrors, message: saved.invalid, intent }, { status: 400 });
      }
      if (intent === "save") return { ok: true, version: saved.version, flags: flagsForStaff(saved.flags), intent } satisfies ActionResult;
      const submitted = await applyTransition(db(), { ...report, version: saved.version }, { transition: "submit", expectedVersion: saved.version, role: "staff" }, actor);
      if (!submitted.ok) return data<ActionResult>({ ok: false, message: `已保存，但未能提交：${submitted.message}`, version: saved.version, flags: flagsForStaff(saved.flags), intent, conflict: submitted.conflict }, { status: submitted.conflict ? 409 : 400 });
      return { ok: true, version: submitted.version, message: "报告已提交，等待财政局审核", intent } satisfies ActionResult;
    }
    case "approve":
    case "return":
    case "reopen": {
      await requireHolder(request, context, viewer, "report.review", report, "只有本县财政局审核人员可以审核报告");
      if (!Number.isInteger(version)) return refuse(400, "请求无效，请刷新页面后重试");
      const reason = String(form.get("reason") ?? "");
      const outcome = await applyTransition(db(), report, { transition: intent as Transition, expectedVersion: version, reason, role: "reviewer" }, actor);
      if (!outcome.ok) {
        if (outcome.conflict) {
          return data<ActionResult>({
            ok: false, intent, conflict: outcome.conflict,
            message: `操作未执行：该报告刚刚已被他人处理，当前状态为“${STATUS_LABELS[outcome.conflict.status]}”。页面已显示最新状态。`,
          }, { status: 409 });
        }
        return refuse(400, outcome.message);
      }
      return { ok: true, intent, message: { approve: "报告已通过", return: "报告已退回单位修改", reopen: "报告已重新打开" }[intent as "approve" | "return" | "reopen"] } satisfies ActionResult;
    }
    case "comment":
    case "answer": {
      if ((await requireHolder(request, context, viewer, "report.comment", report, "您没有批注权限")) === "status") return refuse(400, "草稿状态的报告不能批注");
      const path = String(form.get("path") ?? "").trim() || null;
      const replyTo = intent === "answer" ? String(form.get("replyTo") ?? "") || null : null;
      if (intent === "answer" && !replyTo) return refuse(400, "请选择要回复的意见");
      const result = await addComment(db(), {
        reportId: report.id, countyId: report.countyId, revision: report.currentRevision, path, replyTo, body: String(form.get("body") ?? ""),
        side: perspective === "staff" ? "unit" : "bureau",
      }, actor);
      if (!result.ok) return data<ActionResult>({ ok: false, intent, errors: { body: result.message } }, { status: 400 });
      return { ok: true, intent, message: intent === "answer" ? "已回复" : "批注已添加" } satisfies ActionResult;
    }
    case "resolve": {
      await requirePermission(request, context, viewer, "comment.resolve", report, "您没有权限");
      const done = await resolveComment(db(), { reportId: report.id, countyId: report.countyId, commentId: String(form.get("commentId") ?? "") }, actor);
      return done ? ({ ok: true, intent, message: "已标记为解决" } satisfies ActionResult) : refuse(404, "该意见不存在或已解决");
    }
    default:
      return refuse(400, "未知的操作");
  }
}

export default function ReportPage() {
  const view = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const { report } = view;
  const isStaff = view.perspective === "staff";
  return (
    <>
      <div className="report-header">
        <div>
          <h1>{report.unitName} {report.year}年度绩效自评报告</h1>
          <p className="muted">
            {report.countyName} · 状态：<strong data-testid="report-status">{STATUS_LABELS[report.status]}</strong>
            {report.currentRevision ? ` · 第${report.currentRevision}次提交` : ""}
            {report.isDemo ? " · 演示数据" : ""}
          </p>
        </div>
        <nav className="report-links">
          {view.editable ? <Link to="import">导入报告</Link> : null}
          <a href="#section-narrative">文字说明{view.document.narrative ? `（${Object.keys(view.document.narrative).length}节）` : ""}</a>
          <a href={`/reports/${report.id}/export.json`}>导出 JSON</a>
          <a href={`/reports/${report.id}/targets.xlsx`}>导出自评表（Excel）</a>
          <Link to="print">打印</Link>
          <Link to="history">历史记录</Link>
        </nav>
      </div>
      {params.get("imported") ? <div className="success" role="status">导入的内容已保存到草稿，请核对下方各项内容。</div> : null}
      {view.returnReason && isStaff ? (
        <div className="form-error return-reason" role="alert">
          <strong>报告已被退回</strong>（{view.returnReason.authorName}）：{view.returnReason.body}
        </div>
      ) : null}
      {result?.message && result.intent !== "save" && result.intent !== "submit" ? (
        <div className={result.ok ? "success" : "form-error"} role={result.ok ? "status" : "alert"}>{result.message}</div>
      ) : null}
      {view.perspective === "reviewer" ? (
        <ReviewPanel
          status={report.status}
          version={report.version}
          transitions={view.transitions}
          errorCount={view.flags.filter((f) => f.severity === "error").length}
          busy={navigation.state !== "idle"}
          changes={view.changes}
          comparedRevisions={view.comparedRevisions}
        />
      ) : null}
      {(view.comments.length > 0 || (view.perspective === "reviewer" && report.status !== "draft")) ? (
        <CommentThread
          comments={view.comments}
          canComment={view.perspective === "reviewer" && report.status !== "draft"}
          canAnswer={view.perspective !== "reader"}
          side={isStaff ? "unit" : "bureau"}
          flags={view.flags}
          error={result && !result.ok && (result.intent === "comment" || result.intent === "answer") ? result.errors?.body ?? result.message : undefined}
        />
      ) : null}
      {view.perspective !== "staff" && view.flags.some((f) => f.explanation) ? (
        <section className="card">
          <h2>单位的情况说明</h2>
          <ul>{view.flags.filter((f) => f.explanation).map((f, i) => <li key={i}><span className={`sev-${f.severity}`}>{f.message}</span> —— {f.explanation}</li>)}</ul>
        </section>
      ) : null}
      <ProjectFormsPanel reportId={report.id} version={report.version} />
      <ReportForm
        key={`${report.id}:${report.status}`}
        initial={view.document}
        version={report.version}
        explanations={view.explanations}
        ruleContext={{ settings: view.ruleContext.settings, previousSelfScore: view.ruleContext.previousSelfScore, county: view.ruleContext.county ?? undefined }}
        editable={view.editable}
        action={`/reports/${report.id}?index`}
        showInfo={!isStaff}
      />
      <FormError message={undefined} />
    </>
  );
}

export { GeneralErrorBoundary as ErrorBoundary } from "~/components/ErrorBoundary";
