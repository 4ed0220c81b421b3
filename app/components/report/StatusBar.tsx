/** The bar under the form: unsaved changes, the save and submit buttons, why submit is off. */
interface StatusBarProps {
  dirty: boolean;
  busy: boolean;
  version: number;
  /** Why "提交审核" is disabled; null when it is enabled. */
  submitBlocked: string | null;
  savedNotice: string | null;
  onSave(): void;
  onSubmit(): void;
}

export function StatusBar({ dirty, busy, version, submitBlocked, savedNotice, onSave, onSubmit }: StatusBarProps) {
  return (
    <div className="report-status" role="region" aria-label="保存与提交">
      <span className={`status-text${dirty ? " dirty" : ""}`} aria-live="polite">
        {busy ? "正在保存…" : dirty ? "有未保存的修改" : savedNotice ?? "所有修改已保存"}
      </span>
      <span className="muted small">版本 {version}</span>
      <span className="status-actions">
        {submitBlocked ? <span id="submit-blocked-reason" className="submit-reason">{submitBlocked}</span> : null}
        <button type="button" className="secondary" onClick={onSave} disabled={busy} title="Ctrl+S">保存草稿</button>
        <button type="button" onClick={onSubmit} disabled={busy || submitBlocked != null} aria-describedby={submitBlocked ? "submit-blocked-reason" : undefined}>
          提交审核
        </button>
      </span>
    </div>
  );
}
