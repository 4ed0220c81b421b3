/** A unit's (or a county's) project forms as a table: status, figures, score and flag counts. */
import { Link } from "@remix-run/react";
import type { ProjectKind } from "~/domain/projectEvaluation";
import type { ProjectStatus } from "~/domain/projectPlan";
import { STATUS_LABELS } from "~/domain/vocabulary";
import { kindLabel } from "./labels";

export interface ProjectListRow {
  id: string;
  unitName?: string;
  code: string | null;
  name: string;
  kind: ProjectKind | null;
  status: ProjectStatus;
  adjustedBudget: string | null;
  executed: string | null;
  executionPct: string | null;
  totalScore: number | null;
  errors: number;
  warnings: number;
  unexplainedWarnings: number;
  /** Cross-check flags (X1–X4) on this form. */
  crossFlags?: number;
}

const dash = (v: string | number | null | undefined) => (v == null || v === "" ? "—" : String(v));

export function ProjectList({ rows, showUnit = false, staff = false }: { rows: readonly ProjectListRow[]; showUnit?: boolean; staff?: boolean }) {
  return (
    <div className="table-scroll">
      <table className="data" aria-label="项目自评表列表">
        <thead>
          <tr>
            {showUnit ? <th scope="col">单位</th> : null}
            <th scope="col">项目编码</th>
            <th scope="col">项目名称</th>
            <th scope="col">类型</th>
            <th scope="col">状态</th>
            <th scope="col" className="num">调整后预算（万元）</th>
            <th scope="col" className="num">执行数（万元）</th>
            <th scope="col" className="num">执行率</th>
            <th scope="col" className="num">总分</th>
            <th scope="col" className="num">错误</th>
            <th scope="col" className="num">提示</th>
            {staff ? <th scope="col" className="num">待说明</th> : null}
            <th scope="col" className="num">交叉核对</th>
            <th scope="col"><span className="visually-hidden">操作</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-project-id={r.id}>
              {showUnit ? <td>{r.unitName}</td> : null}
              <td className="code-cell">{dash(r.code)}</td>
              <td>{r.name}</td>
              <td>{kindLabel(r.kind)}</td>
              <td data-testid="project-status">{STATUS_LABELS[r.status]}</td>
              <td className="num">{dash(r.adjustedBudget)}</td>
              <td className="num">{dash(r.executed)}</td>
              <td className="num">{r.executionPct == null ? "—" : `${r.executionPct}%`}</td>
              <td className="num">{dash(r.totalScore)}</td>
              <td className="num sev-error">{r.errors}</td>
              <td className="num sev-warning">{r.warnings}</td>
              {staff ? <td className="num">{r.unexplainedWarnings}</td> : null}
              <td className="num">{r.crossFlags ? <span className="sev-warning">{r.crossFlags}</span> : "—"}</td>
              <td><Link to={`/projects/${r.id}`}>{staff && (r.status === "draft" || r.status === "returned") ? "填报" : "查看"}</Link></td>
            </tr>
          ))}
          {rows.length === 0 ? <tr><td colSpan={14} className="muted">还没有项目自评表。</td></tr> : null}
        </tbody>
      </table>
    </div>
  );
}
