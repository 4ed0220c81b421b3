/**
 * A project form's findings: its own rules P1–P12 grouped by severity, each naming its field
 * (a link to it) with the rule's Chinese message, the unit's 情况说明 for warnings, and the
 * cross-checks X1–X4 against the department report apart.
 */
import type { ReactNode } from "react";
import { fieldId } from "~/domain/paths";
import type { Flag } from "~/domain/report";
import { SEVERITIES, SEVERITY_LABELS, SEVERITY_NOTES } from "~/domain/vocabulary";
import { projectFieldLabel, projectRuleNumber, projectRuleTitle } from "./labels";

interface ProjectFlagsProps {
  flags: ReadonlyArray<Flag & { explanation?: string | null }>;
  crossFlags: readonly Flag[];
  /** Info flags are for the bureau (docs/domain.md). */
  showInfo: boolean;
  /** The 情况说明 of a warning: an input in the editor; absent → the stored text, read-only. */
  explain?: (flag: Flag) => ReactNode;
}

export function ProjectFlags({ flags, crossFlags, showInfo, explain }: ProjectFlagsProps) {
  const groups = SEVERITIES.filter((s) => showInfo || s !== "info");
  const own = flags.filter((f) => showInfo || f.severity !== "info");
  const cross = crossFlags.filter((f) => showInfo || f.severity !== "info");
  return (
    <section className="flags-panel card" aria-labelledby="project-flags-title">
      <h2 id="project-flags-title">检查结果</h2>
      <p className="flag-counts">
        {groups.map((s) => <span key={s} className={`flag-count sev-${s}`}>{SEVERITY_LABELS[s]} {own.filter((f) => f.severity === s).length}</span>)}
      </p>
      {own.length === 0 ? <p className="success small">项目自评表本身未发现问题（规则P1–P12）。</p> : null}
      {groups.map((severity) => {
        const items = own.filter((f) => f.severity === severity);
        if (!items.length) return null;
        return (
          <div key={severity} className={`flag-group flag-group-${severity}`}>
            <h3 className={`sev-${severity}`}>{SEVERITY_LABELS[severity]} <span className="muted small">{items.length}个 · {SEVERITY_NOTES[severity]}</span></h3>
            <ul className="flag-list">
              {items.map((f, i) => (
                <li key={`${f.rule}@${f.path}#${i}`} className={`flag-item sev-border-${severity}`} data-rule={f.rule}>
                  <a href={`#${fieldId(f.path)}`} className="flag-link">
                    <strong>{projectRuleNumber(f.rule)} {projectRuleTitle(f.rule)}</strong>{" "}
                    <span className="flag-where">{projectFieldLabel(f.path)}</span>{" "}
                    <span className="flag-message">{f.message}</span>
                  </a>
                  {severity === "warning"
                    ? explain
                      ? explain(f)
                      : <div className="explanation"><span className="ro-label">情况说明</span><p className="ro-value ro-multiline">{f.explanation?.trim() ? f.explanation : "（未填写）"}</p></div>
                    : null}
                </li>
              ))}
            </ul>
          </div>
        );
      })}
      <h3>与部门整体支出绩效自评报告的交叉核对（X1–X4）</h3>
      {cross.length === 0
        ? <p className="muted small">未发现与部门报告“项目情况”不一致之处（部门报告未填写项目情况、或本单位尚有项目自评表未提交时，暂不核对）。</p>
        : (
          <ul className="flag-list" aria-label="交叉核对结果">
            {cross.map((f, i) => (
              <li key={`${f.rule}#${i}`} className={`flag-item sev-border-${f.severity}`} data-rule={f.rule}>
                <strong className={`sev-${f.severity}`}>{projectRuleNumber(f.rule)} {projectRuleTitle(f.rule)}</strong>{" "}
                <span className="flag-message">{f.message}</span>
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}
