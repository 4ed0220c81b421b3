/**
 * The rule engine's findings beside the form, grouped by severity. Each finding jumps to its
 * field; each warning carries the unit's 情况说明 (required to submit).
 */
import { fieldLabel, SEVERITIES, SEVERITY_LABELS, SEVERITY_NOTES } from "~/domain/vocabulary";
import type { DisplayFlag } from "./context";

const GROUPS = SEVERITIES.map((severity) => ({ severity, title: SEVERITY_LABELS[severity], note: SEVERITY_NOTES[severity] }));

interface FlagsPanelProps {
  flags: readonly DisplayFlag[];
  explanations: Record<string, string>;
  onExplain(key: string, text: string): void;
  onGoto(formPath: string): void;
  editable: boolean;
  /** The form cannot be read right now: the list is the last good check. */
  stale: boolean;
  showInfo: boolean;
}

export function FlagsPanel({ flags, explanations, onExplain, onGoto, editable, stale, showInfo }: FlagsPanelProps) {
  const groups = GROUPS.filter((g) => showInfo || g.severity !== "info");
  const shown = flags.filter((f) => showInfo || f.flag.severity !== "info");
  return (
    <section className="flags-panel card" aria-labelledby="flags-panel-title">
      <h2 id="flags-panel-title">检查结果</h2>
      <p className="flag-counts" aria-live="polite">
        {groups.map((g) => (
          <span key={g.severity} className={`flag-count sev-${g.severity}`}>
            {g.title} {flags.filter((f) => f.flag.severity === g.severity).length}
          </span>
        ))}
      </p>
      {stale ? <p className="notice small">表单中有填写错误，检查结果暂停更新（显示的是上一次的结果）。</p> : null}
      {shown.length === 0 ? <p className="success small">未发现问题。</p> : null}
      {groups.map((g) => {
        const items = flags.filter((f) => f.flag.severity === g.severity);
        if (items.length === 0) return null;
        return (
          <div key={g.severity} className={`flag-group flag-group-${g.severity}`}>
            <h3 className={`sev-${g.severity}`}>
              {g.title} <span className="muted small">{items.length}个 · {g.note}</span>
            </h3>
            <ul className="flag-list">
              {items.map((f) => (
                <li key={f.key} className={`flag-item sev-border-${g.severity}`}>
                  <button type="button" className="flag-link" onClick={() => onGoto(f.formPath)} title="定位到该项">
                    <strong>{f.title}</strong>
                    <span className="flag-where">{fieldLabel(f.formPath)}</span>
                    <span className="flag-message">{f.flag.message}</span>
                  </button>
                  {g.severity === "warning" ? (
                    <Explanation flagKey={f.key} text={explanations[f.key] ?? ""} editable={editable} onExplain={onExplain} />
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </section>
  );
}

function Explanation({ flagKey, text, editable, onExplain }: { flagKey: string; text: string; editable: boolean; onExplain(key: string, text: string): void }) {
  const id = `explanation-${flagKey}`;
  const missing = text.trim() === "";
  if (!editable) {
    return (
      <div className="explanation">
        <span className="ro-label">情况说明</span>
        <p id={id} className="ro-value ro-multiline">{missing ? "（未填写）" : text}</p>
      </div>
    );
  }
  return (
    <div className={`explanation field${missing ? " explanation-missing" : ""}`}>
      <label htmlFor={id}>情况说明{missing ? <span className="sev-warning small">（必填）</span> : null}</label>
      <textarea id={id} rows={2} value={text} aria-required="true" onChange={(e) => onExplain(flagKey, e.target.value)} />
    </div>
  );
}
