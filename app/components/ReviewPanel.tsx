import { Form } from "@remix-run/react";
import { useState } from "react";
import { excerptOfChange } from "~/domain/diff";
import type { ReportStatus } from "~/domain/vocabulary";
import { TRANSITION_LABELS, type Transition } from "~/domain/workflow";

interface Change {
  path: string;
  label: string;
  before: string | null;
  after: string | null;
}

interface ReviewPanelProps {
  status: ReportStatus;
  version: number;
  transitions: Transition[];
  errorCount: number;
  busy: boolean;
  changes: Change[];
  comparedRevisions: { from: number; to: number } | null;
}

/** The reviewer's actions (only those the workflow allows) and what changed since the last revision. */
export function ReviewPanel({ version, transitions, errorCount, busy, changes, comparedRevisions }: ReviewPanelProps) {
  const [open, setOpen] = useState<Transition | null>(null);
  return (
    <section className="card review-panel" aria-label="审核操作">
      <h2>审核</h2>
      {transitions.length === 0 ? <p className="muted">当前状态下没有可执行的审核操作。</p> : null}
      <div className="review-actions">
        {transitions.map((t) => (
          <button key={t} type="button" className={t === "return" ? "danger" : t === "reopen" ? "secondary" : ""} onClick={() => setOpen(open === t ? null : t)} aria-expanded={open === t}>
            {TRANSITION_LABELS[t]}
          </button>
        ))}
      </div>
      {open ? (
        <Form method="post" className="review-form" noValidate onSubmit={() => setOpen(null)}>
          <input type="hidden" name="intent" value={open} />
          <input type="hidden" name="version" value={version} />
          <div className="field">
            <label htmlFor="review-reason">
              {open === "return" ? "退回原因（必填，单位将首先看到）" : open === "reopen" ? "重新打开的原因（必填）" : errorCount > 0 ? `审核意见（该报告仍有${errorCount}个强制性错误，通过须说明理由）` : "审核意见（可选）"}
            </label>
            <textarea id="review-reason" name="reason" rows={3} maxLength={5000} required={open !== "approve" || errorCount > 0} />
          </div>
          <button type="submit" disabled={busy}>确认{TRANSITION_LABELS[open]}</button>{" "}
          <button type="button" className="secondary" onClick={() => setOpen(null)}>取消</button>
        </Form>
      ) : null}
      {comparedRevisions ? (
        <details className="changes" open>
          <summary>第{comparedRevisions.to}次提交相对第{comparedRevisions.from}次的修改（{changes.length}处）</summary>
          {changes.length ? (
            <table className="data">
              <thead><tr><th>字段</th><th>修改前</th><th>修改后</th></tr></thead>
              <tbody>
                {changes.map((c) => <ChangeRow key={c.path} change={c} />)}
              </tbody>
            </table>
          ) : <p className="muted">内容没有变化。</p>}
        </details>
      ) : null}
    </section>
  );
}

/** Past this a value (a narrative section, a long goal) is shown as the changed part only. */
export const LONG_VALUE = 200;

const previewOf = (text: string) => (Array.from(text).length > LONG_VALUE ? `${Array.from(text).slice(0, LONG_VALUE).join("")}…` : text);

/** One changed field; a long text shows what changed, the whole of both sides on request. */
export function ChangeRow({ change }: { change: Change }) {
  const [full, setFull] = useState(false);
  const { before, after } = change;
  const long = (before?.length ?? 0) > LONG_VALUE || (after?.length ?? 0) > LONG_VALUE;
  const excerpt = long && !full ? (before != null && after != null ? excerptOfChange(before, after) : { before: before && previewOf(before), after: after && previewOf(after) }) : { before, after };
  return (
    <tr data-path={change.path}>
      <td>
        {change.label}
        {long ? (
          <>
            <br />
            <button type="button" className="link-button small" aria-expanded={full} onClick={() => setFull(!full)}>
              {full ? "只看修改处" : `查看全文（修改前${before?.length ?? 0}字，修改后${after?.length ?? 0}字）`}
            </button>
          </>
        ) : null}
      </td>
      <td className={long ? "before ro-multiline" : "before"}>{excerpt.before ?? "—"}</td>
      <td className={long ? "after ro-multiline" : "after"}>{excerpt.after ?? "—"}</td>
    </tr>
  );
}
