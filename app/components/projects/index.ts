export { CrossCheckFlags, CrossCheckPanel } from "./CrossCheckPanel";
export { ProjectDocumentView } from "./ProjectDocumentView";
export { ProjectEditor } from "./ProjectEditor";
export { ProjectFlags } from "./ProjectFlags";
export { ProjectFormsPanel, type ProjectFormsSummary } from "./ProjectFormsPanel";
export { ProjectList, type ProjectListRow } from "./ProjectList";
export * from "./labels";
