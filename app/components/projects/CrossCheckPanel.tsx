/**
 * The department report's 项目情况 beside what the unit's project forms add up to, per kind,
 * with the cross-check flags X1–X4 on the report's side. Used by the unit's project list; the
 * department report page shows the flags through ProjectFormsPanel.
 */
import { Link } from "@remix-run/react";
import type { KindTotals } from "~/domain/projectPlan";
import type { Flag, ReportDocument } from "~/domain/report";
import { SEVERITY_LABELS } from "~/domain/vocabulary";
import { KIND_LABELS, projectRuleNumber, projectRuleTitle, REPORT_PROJECT_FIELDS } from "./labels";

interface CrossCheckPanelProps {
  report: { id: string; projects: ReportDocument["projects"] } | null;
  totals: { recurring: KindTotals; oneOff: KindTotals; unknown: KindTotals };
  flags: readonly Flag[];
  drafts: number;
}

const COLUMNS = [
  ["count", "个数"],
  ["amount", "金额 / 调整后预算合计（万元）"],
  ["executionPct", "执行率（%）"],
  ["overBalanceCount", "结余率>10%项目数"],
] as const;

const dash = (v: string | number | null | undefined) => (v == null ? "—" : String(v));

export function CrossCheckPanel({ report, totals, flags, drafts }: CrossCheckPanelProps) {
  const formValue = (t: KindTotals, key: (typeof COLUMNS)[number][0]) =>
    key === "count" ? t.count : key === "amount" ? t.adjustedBudget : key === "executionPct" ? t.executionPct : t.overBalanceCount;
  return (
    <section className="card" aria-labelledby="cross-check-title">
      <h2 id="cross-check-title">与部门整体支出绩效自评报告的交叉核对</h2>
      {!report ? <p className="muted">尚无可核对的部门报告（本单位该年度还没有报告，或报告尚未提交）。</p> : (
        <>
          <p className="muted small">
            左为<Link to={`/reports/${report.id}`}>部门报告</Link>“四、项目情况”所填，右为本单位项目自评表的合计。
            {drafts > 0 ? ` 本单位尚有${drafts}份项目自评表是草稿，全部提交后才进行核对。` : ""}
          </p>
          <div className="table-scroll">
            <table className="data" aria-label="项目情况核对">
              <thead>
                <tr>
                  <th scope="col">项目类别</th>
                  {COLUMNS.map(([key, label]) => <th key={key} scope="col" className="num">{label}<br /><span className="muted small">报告 / 自评表</span></th>)}
                </tr>
              </thead>
              <tbody>
                {(["recurring", "oneOff"] as const).map((group) => (
                  <tr key={group}>
                    <th scope="row">{KIND_LABELS[group]}</th>
                    {COLUMNS.map(([key]) => {
                      const flagged = flags.filter((f) => f.path === `projects.${group}.${key}`);
                      return (
                        <td key={key} className={`num${flagged.length ? ` sev-${flagged[0].severity}` : ""}`} data-path={`projects.${group}.${key}`}>
                          {dash(report.projects[group][key])} / {dash(formValue(totals[group], key))}
                          {flagged.length ? <span className="visually-hidden">（{SEVERITY_LABELS[flagged[0].severity]}）</span> : null}
                        </td>
                      );
                    })}
                  </tr>
                ))}
                {totals.unknown.count > 0 ? (
                  <tr>
                    <th scope="row">类型未定</th>
                    {COLUMNS.map(([key]) => <td key={key} className="num">— / {dash(formValue(totals.unknown, key))}</td>)}
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
          {totals.unknown.count > 0 ? <p className="sev-warning small">有{totals.unknown.count}份项目自评表未确定是常年项目还是一次性项目，只能核对项目总数。请在自评表中选择项目类型。</p> : null}
          <CrossCheckFlags flags={flags} />
        </>
      )}
    </section>
  );
}

/** The report-side flags X1–X4, each naming the report's field. */
export function CrossCheckFlags({ flags, onGoto }: { flags: readonly Flag[]; onGoto?: (path: string) => void }) {
  if (!flags.length) return <p className="success small">项目个数、金额、执行率和结余项目数与项目自评表一致（或暂不核对）。</p>;
  return (
    <ul className="flag-list" aria-label="交叉核对结果">
      {flags.map((f, i) => (
        <li key={`${f.rule}@${f.path}#${i}`} className={`flag-item sev-border-${f.severity}`} data-rule={f.rule} data-path={f.path}>
          <strong className={`sev-${f.severity}`}>{projectRuleNumber(f.rule)} {projectRuleTitle(f.rule)}</strong>{" "}
          {onGoto
            ? <button type="button" className="link-button flag-where" onClick={() => onGoto(f.path)}>{REPORT_PROJECT_FIELDS[f.path] ?? f.path}</button>
            : <span className="flag-where">{REPORT_PROJECT_FIELDS[f.path] ?? f.path}</span>}{" "}
          <span className="flag-message">{f.message}</span>
        </li>
      ))}
    </ul>
  );
}
