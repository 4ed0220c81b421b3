import { Form } from "@remix-run/react";
import { fieldLabel } from "~/domain/vocabulary";
import type { CommentRow } from "~/models/comments.server";

/** Type-only import: erased from the browser bundle. */
type Comment = CommentRow;

interface CommentThreadProps {
  comments: Comment[];
  canComment: boolean;
  canAnswer: boolean;
  side: "unit" | "bureau";
  flags: Array<{ rule: string; path: string; message: string }>;
  error?: string;
}

const KIND_LABELS: Record<string, string> = { comment: "批注", return: "退回", approve: "通过", reopen: "重新打开", answer: "回复" };

const time = (ms: number) => new Date(ms).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });

/** Review comments per report or per field, each answerable by the other side and resolvable by either. */
export function CommentThread({ comments, canComment, canAnswer, side, flags, error }: CommentThreadProps) {
  const roots = comments.filter((c) => !c.replyTo);
  const paths = [...new Map(flags.map((f) => [f.path, f])).values()];
  return (
    <section className="card comments" aria-label="审核意见">
      <h2>审核意见（{roots.length}）</h2>
      {error ? <div className="form-error" role="alert">{error}</div> : null}
      {roots.map((c) => {
        const answers = comments.filter((a) => a.replyTo === c.id);
        return (
          <article key={c.id} className={`comment ${c.resolved ? "resolved" : ""}`} data-comment-id={c.id}>
            <header>
              <span className="tag">{KIND_LABELS[c.kind] ?? c.kind}</span> <strong>{c.authorName}</strong>
              <span className="muted">（{c.authorSide === "bureau" ? "财政局" : "单位"}）· {time(c.createdAt)} · 第{c.revision}次提交</span>
              {c.path ? <span className="tag">针对：{fieldLabel(c.path)}</span> : null}
              {c.resolved ? <span className="tag">已解决</span> : null}
            </header>
            <p className="comment-body">{c.body}</p>
            {answers.map((a) => (
              <div key={a.id} className="answer"><strong>{a.authorName}</strong><span className="muted">（{a.authorSide === "bureau" ? "财政局" : "单位"}）· {time(a.createdAt)}</span><p className="comment-body">{a.body}</p></div>
            ))}
            {canAnswer && c.kind === "comment" && !c.resolved ? (
              <div className="comment-actions">
                {(side === "unit" && c.authorSide === "bureau") || (side === "bureau" && answers.length) ? (
                  <Form method="post" className="answer-form">
                    <input type="hidden" name="intent" value="answer" />
                    <input type="hidden" name="replyTo" value={c.id} />
                    <label className="visually-hidden" htmlFor={`answer-${c.id}`}>回复</label>
                    <textarea id={`answer-${c.id}`} name="body" rows={2} maxLength={10000} placeholder="回复此意见" required />
                    <button type="submit" className="secondary">回复</button>
                  </Form>
                ) : null}
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="resolve" />
                  <input type="hidden" name="commentId" value={c.id} />
                  <button type="submit" className="secondary">标记为已解决</button>
                </Form>
              </div>
            ) : null}
          </article>
        );
      })}
      {roots.length === 0 ? <p className="muted">暂无意见。</p> : null}
      {canComment ? (
        <Form method="post" className="new-comment">
          <input type="hidden" name="intent" value="comment" />
          <div className="field">
            <label htmlFor="comment-path">针对</label>
            <select id="comment-path" name="path" defaultValue="">
              <option value="">整份报告</option>
              {paths.map((f) => <option key={f.path} value={f.path}>{fieldLabel(f.path)}（{f.message.slice(0, 30)}）</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="comment-body">批注内容</label>
            <textarea id="comment-body" name="body" rows={3} maxLength={10000} required />
          </div>
          <button type="submit">添加批注</button>
        </Form>
      ) : null}
    </section>
  );
}
