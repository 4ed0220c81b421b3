/**
 * For the department report's page: "项目自评表（N份）", a link to the unit's forms of the
 * year, and the cross-check flags X1–X4 on the report's 项目情况 fields (each jumps to its
 * field in the form). It loads itself from the resource route /projects/report/:reportId, so
 * the report page needs one line: <ProjectFormsPanel reportId={report.id} />. It reloads
 * when the report's version changes (a save moved the report's side of the checks).
 */
import { Link, useFetcher } from "@remix-run/react";
import { useEffect } from "react";
import { focusField } from "~/components/report/hooks";
import type { Flag } from "~/domain/report";
import { CrossCheckFlags } from "./CrossCheckPanel";

export interface ProjectFormsSummary {
  unitId: string;
  year: number;
  formCount: number;
  drafts: number;
  flags: Flag[];
}

export function ProjectFormsPanel({ reportId, version }: { reportId: string; version?: number }) {
  const fetcher = useFetcher<ProjectFormsSummary>();
  const { load } = fetcher;
  useEffect(() => {
    load(`/projects/report/${reportId}`);
  }, [load, reportId, version]);
  const data = fetcher.data;
  return (
    <section className="card project-forms-panel" aria-labelledby="project-forms-title">
      <h2 id="project-forms-title">
        {data ? <Link to={`/units/${data.unitId}/projects?year=${data.year}`}>项目自评表（{data.formCount}份）</Link> : "项目自评表"}
      </h2>
      {!data ? <p className="muted small">{fetcher.state === "idle" ? "无法载入项目自评表。" : "正在载入…"}</p> : (
        <>
          {data.drafts > 0 ? <p className="muted small">本单位尚有{data.drafts}份项目自评表未提交，项目情况的交叉核对待全部提交后进行。</p> : null}
          <CrossCheckFlags flags={data.flags} onGoto={(path) => focusField(path)} />
        </>
      )}
    </section>
  );
}
