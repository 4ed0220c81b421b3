export { ReportForm, ReportFormView, conflictMessage } from "./ReportForm";
export type { ReportFormProps, ReportFormPost, ReportFormViewProps, SaveResult, ServerResult } from "./ReportForm";
export { NarrativeReader, NarrativeSection, narrativeSections } from "./NarrativeSection";
export { PrintReport } from "./PrintReport";
