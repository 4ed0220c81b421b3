/**
 * A project form read-only, laid out like the paper form: header, funds block, goal,
 * indicators, total score and conclusions. Every value keeps the id of its field, so the
 * flags' links land on it.
 */
import { fieldId } from "~/domain/paths";
import type { ProjectEvaluation } from "~/domain/projectEvaluation";
import { FUNDS_COLUMNS, INDICATOR_COLUMNS, kindLabel } from "./labels";

const show = (v: string | null | undefined) => (v == null || v.trim() === "" ? "—" : v);

function Value({ path, label, value, multiline }: { path: string; label: string; value: string | null | undefined; multiline?: boolean }) {
  return (
    <div className="field report-field">
      <span className="ro-label">{label}</span>
      <span id={fieldId(path)} tabIndex={-1} className={multiline ? "ro-value ro-multiline" : "ro-value"}>{show(value)}</span>
    </div>
  );
}

export function ProjectDocumentView({ document: d }: { document: ProjectEvaluation }) {
  return (
    <div className="report-form project-form">
      <section className="card report-section" aria-labelledby="project-basic-title">
        <h2 id="project-basic-title">一、项目基本信息</h2>
        <div className="form-grid">
          <Value path="project.name" label="项目名称" value={d.project.name} />
          <Value path="project.code" label="项目编码" value={d.project.code} />
          <Value path="project.kind" label="项目类型" value={kindLabel(d.project.kind)} />
          <Value path="department" label="主管部门" value={d.department} />
          <Value path="unit.name" label="实施单位" value={d.unit.name} />
          <Value path="year" label="年度" value={d.year == null ? null : String(d.year)} />
        </div>
      </section>
      <section className="card report-section" aria-labelledby="project-funds-title">
        <h2 id="project-funds-title">二、项目资金（万元）与预算执行</h2>
        <div className="table-scroll">
          <table className="data" id={fieldId("funds.rows")} tabIndex={-1}>
            <thead><tr><th scope="col">资金行</th>{FUNDS_COLUMNS.map(([k, label]) => <th key={k} scope="col" className={k === "reason" ? "" : "num"}>{label}</th>)}</tr></thead>
            <tbody>
              {d.funds.rows.map((row, i) => (
                <tr key={i}>
                  <th scope="row" id={fieldId(`funds.rows[${i}]`)}>{row.label}</th>
                  {FUNDS_COLUMNS.map(([k]) => (
                    <td key={k} className={k === "reason" ? "" : "num"} id={fieldId(`funds.rows[${i}].${k}`)} tabIndex={-1}>{show(row[k])}</td>
                  ))}
                </tr>
              ))}
              {d.funds.rows.length === 0 ? <tr><td colSpan={FUNDS_COLUMNS.length + 1} className="muted">未填写项目资金。</td></tr> : null}
            </tbody>
          </table>
        </div>
      </section>
      <section className="card report-section" aria-labelledby="project-goal-title">
        <h2 id="project-goal-title">三、年度目标与实施情况</h2>
        <Value path="goal.planned" label="年度目标（预期目标）" value={d.goal.planned} multiline />
        <Value path="goal.achieved" label="目标完成情况" value={d.goal.achieved} multiline />
        <Value path="summary" label="项目实施内容及过程概述" value={d.summary} multiline />
      </section>
      <section className="card report-section" aria-labelledby="project-indicators-title">
        <h2 id="project-indicators-title">四、绩效指标</h2>
        {Object.keys(d.levelWeights).length
          ? <p className="muted small">一级指标分值：{Object.entries(d.levelWeights).map(([k, v]) => `${k} ${v}分`).join("，")}</p>
          : null}
        <div className="table-scroll">
          <table className="data" id={fieldId("indicators")} tabIndex={-1}>
            <thead><tr>{INDICATOR_COLUMNS.map(([k, label]) => <th key={k} scope="col" className={k === "weightPct" || k === "score" ? "num" : ""}>{label}</th>)}</tr></thead>
            <tbody>
              {d.indicators.map((row, i) => (
                <tr key={i}>
                  {INDICATOR_COLUMNS.map(([k]) => (
                    <td key={k} className={k === "weightPct" || k === "score" ? "num" : ""} id={fieldId(`indicators[${i}].${k}`)} tabIndex={-1}>{show(row[k])}</td>
                  ))}
                </tr>
              ))}
              {d.indicators.length === 0 ? <tr><td colSpan={INDICATOR_COLUMNS.length} className="muted">未填写绩效指标。</td></tr> : null}
            </tbody>
          </table>
        </div>
      </section>
      <section className="card report-section" aria-labelledby="project-conclusion-title">
        <h2 id="project-conclusion-title">五、自评总分与结论</h2>
        <div className="form-grid">
          <Value path="totalScore" label="自评总分" value={d.totalScore} />
          <Value path="projectLead" label="项目负责人" value={d.projectLead} />
          <Value path="financeLead" label="财务负责人" value={d.financeLead} />
        </div>
        <Value path="conclusion" label="评价结论" value={d.conclusion} multiline />
        <Value path="problems" label="存在问题" value={d.problems} multiline />
        <Value path="improvements" label="改进措施" value={d.improvements} multiline />
      </section>
    </div>
  );
}
