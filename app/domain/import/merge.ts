/**
 * Importing into an existing draft: the sections the import found replace the draft's, the
 * rest of the draft stays — so importing just the 自评表 (.xlsx of the target table) updates
 * the targets without wiping the amounts typed earlier.
 */
import type { ReportDocument } from "../report";

export const IMPORT_SECTIONS = [
  "staffing", "income", "expenditure", "carryover", "budgetManagement", "projects", "selfScore", "selfGrade", "targets", "narrative",
] as const;
export type ImportSection = (typeof IMPORT_SECTIONS)[number];

/** The top-level sections that an import's source map says were found. */
export function foundSections(sourcePaths: Iterable<string>): ImportSection[] {
  const found = new Set<ImportSection>();
  for (const path of sourcePaths) {
    const top = path.split(/[.[]/)[0] as ImportSection;
    if ((IMPORT_SECTIONS as readonly string[]).includes(top)) found.add(top);
  }
  return IMPORT_SECTIONS.filter((s) => found.has(s));
}

export function mergeImport(draft: ReportDocument, imported: ReportDocument, sections: readonly ImportSection[]): ReportDocument {
  const merged: ReportDocument = { ...draft };
  for (const section of sections) {
    const value = imported[section];
    if (value === undefined) delete (merged as Partial<ReportDocument>)[section];
    else (merged as Record<string, unknown>)[section] = value;
  }
  return merged;
}
