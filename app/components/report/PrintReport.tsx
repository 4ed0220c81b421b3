/**
 * The report on A4 paper, as the Sichuan template lays it out: the narrative sections in
 * their order, then (from a new page) the 自评表 and the figures, then the signatures. Plain
 * React (the print route adds the links), so a test can render it.
 */
import type { ReportDocument } from "~/domain/report";
import { STATUS_LABELS, type ReportStatus } from "~/domain/vocabulary";
import { NarrativeReader, narrativeSections } from "./NarrativeSection";
import { ReportFormView } from "./ReportForm";

export interface PrintReportProps {
  report: { unitName: string; countyName: string; year: number; status: ReportStatus; revision: number | null };
  document: ReportDocument;
}

const noPost = () => {};

export function PrintReport({ report, document }: PrintReportProps) {
  const sections = narrativeSections(document.narrative);
  return (
    <>
      <h1 className="print-title">{report.unitName}{report.year}年度部门预算绩效自评报告</h1>
      <p className="muted">{report.countyName} · {STATUS_LABELS[report.status]}{report.revision ? ` · 第${report.revision}次提交` : ""}</p>
      {sections.length > 0 ? (
        // Unfolded: paper cannot expand a section. The table starts on a new sheet.
        <div className="print-narrative" style={{ breakAfter: "page" }}>
          <NarrativeReader sections={sections} foldable={false} level={2} />
        </div>
      ) : null}
      <ReportFormView initial={document} version={0} explanations={{}} ruleContext={{}} editable={false} showInfo={false} narrativeSection={false} onPost={noPost} busy={false} />
      <div className="signatures">
        <span>单位负责人（签字）：</span><span>填报人（签字）：</span><span>单位（盖章）：</span><span>日期：</span>
      </div>
    </>
  );
}
