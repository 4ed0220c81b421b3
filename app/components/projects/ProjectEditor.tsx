/**
 * The unit's project form (项目支出绩效自评表) as a plain post: every input is named by its
 * document path and holds what was typed (React state, so a refused save loses nothing); the
 * server reads the post with zod (formData.ts readProjectForm) and answers errors by path,
 * shown beside their inputs. Rows of funds and indicators can be added, removed and moved.
 * Warnings of the last save carry the unit's 情况说明 (required to submit), posted with the form.
 *
 * Mount it with a key per stored version: it takes `initial` once and then owns the fields.
 */
import { Form } from "@remix-run/react";
import { useState, type ChangeEvent, type ReactNode } from "react";
import { explanationKey } from "~/domain/metrics";
import { fieldId, getAt, setAt } from "~/domain/paths";
import type { Flag } from "~/domain/report";
import { blankFundsRow, blankIndicator, explanationFieldName, MAX_FUNDS_ROWS, MAX_INDICATORS, type ProjectFields } from "./formData";
import { FUNDS_COLUMNS, FUNDS_ROW_OPTIONS, INDICATOR_COLUMNS, KIND_LABELS } from "./labels";
import { ProjectFlags } from "./ProjectFlags";

export interface ProjectEditorProps {
  initial: ProjectFields;
  version: number;
  unitName: string;
  year: number;
  /** Errors by document path (the form's own or the model's). */
  errors: Record<string, string>;
  /** The form's flags as last saved, and the cross-check flags for it. */
  flags: ReadonlyArray<Flag & { explanation?: string | null }>;
  crossFlags: readonly Flag[];
  explanations: Record<string, string>;
  canSubmit: boolean;
  busy: boolean;
}

type Bind = (path: string, label: string) => {
  id: string;
  name: string;
  value: string;
  "aria-label": string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
  onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => void;
};

export function ProjectEditor(props: ProjectEditorProps) {
  const [fields, setFields] = useState<ProjectFields>(props.initial);
  const [explanations, setExplanations] = useState<Record<string, string>>(props.explanations);
  const { errors } = props;
  const bind: Bind = (path, label) => ({
    id: fieldId(path),
    name: path,
    value: String(getAt(fields, path) ?? ""),
    "aria-label": label,
    "aria-invalid": errors[path] ? true : undefined,
    "aria-describedby": errors[path] ? `${fieldId(path)}-error` : undefined,
    onChange: (e) => setFields((f) => setAt(f, path, e.target.value)),
  });
  const error = (path: string) => (errors[path] ? <span className="field-error" id={`${fieldId(path)}-error`} role="alert">{errors[path]}</span> : null);
  const rows = (list: "funds.rows" | "indicators", change: (rows: unknown[]) => unknown[]) =>
    setFields((f) => setAt(f, list, change([...(getAt(f, list) as unknown[])])));
  const formErrors = Object.keys(errors).length;

  return (
    <Form method="post" noValidate className="report-form project-form" aria-label="项目自评表">
      <input type="hidden" name="version" value={props.version} />
      {formErrors ? <div className="form-error" role="alert">有{formErrors}处填写错误，请修正标红的栏目后再保存。{errors._form ?? ""}</div> : null}

      <section className="card report-section" aria-labelledby="project-basic-title">
        <h2 id="project-basic-title">一、项目基本信息</h2>
        <div className="form-grid">
          <Labelled path="project.name" label="项目名称（必填）" error={error("project.name")} wide><input {...bind("project.name", "项目名称")} maxLength={200} /></Labelled>
          <Labelled path="project.code" label="项目编码" error={error("project.code")}><input {...bind("project.code", "项目编码")} maxLength={50} /></Labelled>
          <Labelled path="project.kind" label="项目类型" error={error("project.kind")}>
            <select {...bind("project.kind", "项目类型")}>
              <option value="">未定</option>
              <option value="recurring">{KIND_LABELS.recurring}</option>
              <option value="oneOff">{KIND_LABELS.oneOff}</option>
            </select>
          </Labelled>
          <Labelled path="department" label="主管部门" error={error("department")}><input {...bind("department", "主管部门")} maxLength={200} /></Labelled>
          <div className="field"><span className="ro-label">实施单位</span><span className="ro-value">{props.unitName}</span></div>
          <div className="field"><span className="ro-label">年度</span><span className="ro-value">{props.year}</span></div>
        </div>
      </section>

      <section className="card report-section" aria-labelledby="project-funds-title">
        <h2 id="project-funds-title">二、项目资金（万元）与预算执行</h2>
        <p className="muted small">执行率 = 执行数 / 调整后（全年）预算数；执行率低于90%或年中调整预算的，请在“原因”栏说明。{error("funds.rows")}</p>
        <div className="table-scroll">
          <table className="data rows-table" id={fieldId("funds.rows")} tabIndex={-1}>
            <thead>
              <tr><th scope="col">资金行</th>{FUNDS_COLUMNS.map(([key, label]) => <th scope="col" key={key} className={key === "reason" ? "" : "num"}>{label}</th>)}<th scope="col"><span className="visually-hidden">操作</span></th></tr>
            </thead>
            <tbody>
              {fields.funds.rows.map((row, i) => (
                <tr key={i}>
                  <td>
                    <div className="cell-field">
                      <select {...bind(`funds.rows[${i}].kind`, `第${i + 1}行资金行`)}>
                        {FUNDS_ROW_OPTIONS.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
                      </select>
                      <input {...bind(`funds.rows[${i}].label`, `第${i + 1}行名称`)} maxLength={50} />
                      {error(`funds.rows[${i}].kind`)}{error(`funds.rows[${i}].label`)}
                    </div>
                  </td>
                  {FUNDS_COLUMNS.map(([key, label]) => (
                    <td key={key} className={key === "reason" ? "" : "num"}>
                      <div className="cell-field">
                        {key === "reason"
                          ? <textarea rows={1} {...bind(`funds.rows[${i}].reason`, `${row.label || "第" + (i + 1) + "行"}${label}`)} maxLength={500} />
                          : <input type="text" inputMode="decimal" autoComplete="off" className="num-input" {...bind(`funds.rows[${i}].${key}`, `${row.label || "第" + (i + 1) + "行"}${label}`)} />}
                        {error(`funds.rows[${i}].${key}`)}
                      </div>
                    </td>
                  ))}
                  <td><RowButtons index={i} count={fields.funds.rows.length} what="资金行" onChange={(change) => rows("funds.rows", change)} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {fields.funds.rows.length < MAX_FUNDS_ROWS
          ? <button type="button" className="secondary" onClick={() => rows("funds.rows", (r) => [...r, blankFundsRow()])}>添加资金行</button>
          : null}
      </section>

      <section className="card report-section" aria-labelledby="project-goal-title">
        <h2 id="project-goal-title">三、年度目标与实施情况</h2>
        <Labelled path="goal.planned" label="年度目标（预期目标）" error={error("goal.planned")}><textarea rows={3} {...bind("goal.planned", "年度目标")} maxLength={5000} /></Labelled>
        <Labelled path="goal.achieved" label="目标完成情况（实际完成情况）" error={error("goal.achieved")}><textarea rows={3} {...bind("goal.achieved", "目标完成情况")} maxLength={5000} /></Labelled>
        <Labelled path="summary" label="项目实施内容及过程概述" error={error("summary")}><textarea rows={3} {...bind("summary", "项目实施内容及过程概述")} maxLength={5000} /></Labelled>
      </section>

      <section className="card report-section" aria-labelledby="project-indicators-title">
        <h2 id="project-indicators-title">四、绩效指标</h2>
        <p className="muted small">指标分值与预算执行分值合计应为100；指标性质填 ≥、≤、= 或 定性。{error("indicators")}</p>
        <div className="table-scroll">
          <table className="data rows-table" id={fieldId("indicators")} tabIndex={-1}>
            <thead>
              <tr>{INDICATOR_COLUMNS.map(([key, label]) => <th scope="col" key={key} className={key === "weightPct" || key === "score" ? "num" : ""}>{label}</th>)}<th scope="col"><span className="visually-hidden">操作</span></th></tr>
            </thead>
            <tbody>
              {fields.indicators.map((row, i) => (
                <tr key={i}>
                  {INDICATOR_COLUMNS.map(([key, label]) => (
                    <td key={key} className={key === "weightPct" || key === "score" ? "num" : ""}>
                      <div className="cell-field">
                        {key === "reason"
                          ? <textarea rows={1} {...bind(`indicators[${i}].reason`, `第${i + 1}行${label}`)} maxLength={500} />
                          : <input type="text" autoComplete="off" className={key === "weightPct" || key === "score" ? "num-input" : undefined}
                            inputMode={key === "weightPct" || key === "score" ? "decimal" : undefined} {...bind(`indicators[${i}].${key}`, `${row.name || "第" + (i + 1) + "行"}${label}`)} />}
                        {error(`indicators[${i}].${key}`)}
                      </div>
                    </td>
                  ))}
                  <td><RowButtons index={i} count={fields.indicators.length} what="指标行" onChange={(change) => rows("indicators", change)} /></td>
                </tr>
              ))}
              {fields.indicators.length === 0 ? <tr><td colSpan={INDICATOR_COLUMNS.length + 1} className="muted">还没有绩效指标。</td></tr> : null}
            </tbody>
          </table>
        </div>
        {fields.indicators.length < MAX_INDICATORS
          ? <button type="button" className="secondary" onClick={() => rows("indicators", (r) => [...r, blankIndicator()])}>添加指标行</button>
          : null}
      </section>

      <section className="card report-section" aria-labelledby="project-conclusion-title">
        <h2 id="project-conclusion-title">五、自评总分与结论</h2>
        <div className="form-grid">
          <Labelled path="totalScore" label="自评总分" error={error("totalScore")}><input type="text" inputMode="decimal" className="num-input" {...bind("totalScore", "自评总分")} /></Labelled>
          <Labelled path="projectLead" label="项目负责人" error={error("projectLead")}><input {...bind("projectLead", "项目负责人")} maxLength={50} /></Labelled>
          <Labelled path="financeLead" label="财务负责人" error={error("financeLead")}><input {...bind("financeLead", "财务负责人")} maxLength={50} /></Labelled>
        </div>
        <Labelled path="conclusion" label="评价结论" error={error("conclusion")}><textarea rows={3} {...bind("conclusion", "评价结论")} maxLength={5000} /></Labelled>
        <Labelled path="problems" label="存在问题" error={error("problems")}><textarea rows={3} {...bind("problems", "存在问题")} maxLength={5000} /></Labelled>
        <Labelled path="improvements" label="改进措施" error={error("improvements")}><textarea rows={3} {...bind("improvements", "改进措施")} maxLength={5000} /></Labelled>
      </section>

      <ProjectFlags
        flags={props.flags}
        crossFlags={props.crossFlags}
        showInfo={false}
        explain={(flag) => {
          const key = explanationKey(flag);
          const id = `explanation-${key}`;
          const text = explanations[key] ?? "";
          return (
            <div className={`explanation field${text.trim() ? "" : " explanation-missing"}`}>
              <label htmlFor={id}>情况说明{text.trim() ? null : <span className="sev-warning small">（提交前必填）</span>}</label>
              <textarea id={id} name={explanationFieldName(key)} rows={2} maxLength={5000} value={text}
                onChange={(e) => setExplanations((x) => ({ ...x, [key]: e.target.value }))} />
            </div>
          );
        }}
      />

      <div className="status-actions">
        <button type="submit" name="intent" value="save" disabled={props.busy}>保存草稿</button>{" "}
        {props.canSubmit ? <button type="submit" name="intent" value="submit" disabled={props.busy}>保存并提交</button> : null}
        <span className="muted small"> 提交前须修正全部强制性错误，并为每个提示性问题填写情况说明（以保存后的检查结果为准）。</span>
      </div>
    </Form>
  );
}

function Labelled({ path, label, error, wide, children }: { path: string; label: string; error: ReactNode; wide?: boolean; children: ReactNode }) {
  return (
    <div className={`field report-field${wide ? " span-2" : ""}`}>
      <label htmlFor={fieldId(path)}>{label}</label>
      {children}
      {error}
    </div>
  );
}

function RowButtons({ index, count, what, onChange }: { index: number; count: number; what: string; onChange(change: (rows: unknown[]) => unknown[]): void }) {
  const move = (to: number) => onChange((rows) => {
    const [row] = rows.splice(index, 1);
    rows.splice(to, 0, row);
    return rows;
  });
  return (
    <span className="row-buttons">
      <button type="button" className="link-button small" disabled={index === 0} onClick={() => move(index - 1)} aria-label={`上移第${index + 1}${what}`}>↑</button>
      <button type="button" className="link-button small" disabled={index === count - 1} onClick={() => move(index + 1)} aria-label={`下移第${index + 1}${what}`}>↓</button>
      <button type="button" className="link-button small" onClick={() => onChange((rows) => rows.filter((_, k) => k !== index))} aria-label={`删除第${index + 1}${what}`}>删除</button>
    </span>
  );
}
