/**
 * Reading reports: one per unit and year, with its draft, its immutable numbered revisions
 * and its flags. Every function takes the viewer's scope and puts it in the SQL: another
 * tenant's report is simply not found. Writes go through reportWrites.server.ts.
 */
import type { Kysely } from "kysely";
import { fromJson, toNumber } from "#db/codecs";
import type { Database, ReportStatus } from "#db/schema";
import { markInScope, type InScope, type Scope } from "~/domain/permissions";
import { emptyReport, type Flag, type ReportDocument } from "~/domain/report";
import type { Explanations } from "~/domain/reportPlan";
import { reportsInScope } from "./scope.server";


export interface ReportRecord {
  id: string;
  countyId: string;
  unitId: string;
  unitName: string;
  unitKind: string;
  countyName: string;
  year: number;
  status: ReportStatus;
  version: number;
  draft: ReportDocument;
  explanations: Explanations;
  currentRevision: number;
  source: string;
  updatedAt: number;
  isDemo: boolean;
}

const reportColumns = [
  "reports.id", "reports.county_id", "reports.unit_id", "reports.year", "reports.status", "reports.version", "reports.draft",
  "reports.explanations", "reports.current_revision", "reports.source", "reports.updated_at", "reports.is_demo",
  "units.name as unit_name", "units.kind as unit_kind", "counties.name as county_name",
] as const;

function toRecord(row: any): ReportRecord {
  return {
    id: row.id,
    countyId: row.county_id,
    unitId: row.unit_id,
    unitName: row.unit_name,
    unitKind: row.unit_kind,
    countyName: row.county_name,
    year: Number(row.year),
    status: row.status,
    version: Number(row.version),
    draft: fromJson<ReportDocument>(row.draft, emptyReport()),
    explanations: fromJson<Explanations>(row.explanations, {}),
    currentRevision: Number(row.current_revision),
    source: row.source,
    updatedAt: toNumber(row.updated_at),
    isDemo: Number(row.is_demo) === 1,
  };
}

export async function findVisibleReport(db: Kysely<Database>, scope: Scope, reportId: string): Promise<InScope<ReportRecord> | null> {
  const row = await db
    .selectFrom("reports")
    .innerJoin("units", "units.id", "reports.unit_id")
    .innerJoin("counties", "counties.id", "reports.county_id")
    .select(reportColumns)
    .where("reports.id", "=", reportId)
    .where(reportsInScope(scope))
    .executeTakeFirst();
  return row ? markInScope(toRecord(row)) : null;
}

/** The staff member's reports (all years), newest first, with flag counts from the read model. */
export async function listStaffReports(db: Kysely<Database>, scope: Scope) {
  if (!scope.staffUnitIds.length) return [];
  const rows = await db
    .selectFrom("reports")
    .innerJoin("units", "units.id", "reports.unit_id")
    .leftJoin("report_metrics", "report_metrics.report_id", "reports.id")
    .select([
      "reports.id", "reports.unit_id", "reports.year", "reports.status", "reports.updated_at", "reports.current_revision", "units.name as unit_name",
      "report_metrics.errors", "report_metrics.warnings", "report_metrics.infos", "report_metrics.unexplained_warnings", "report_metrics.self_score",
    ])
    .where("reports.unit_id", "in", scope.staffUnitIds)
    .orderBy("reports.year", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id, unitId: r.unit_id, unitName: r.unit_name, year: Number(r.year), status: r.status as ReportStatus,
    updatedAt: toNumber(r.updated_at), currentRevision: Number(r.current_revision),
    errors: Number(r.errors ?? 0), warnings: Number(r.warnings ?? 0), infos: Number(r.infos ?? 0),
    unexplainedWarnings: Number(r.unexplained_warnings ?? 0), selfScore: r.self_score,
  }));
}

// ——— revisions ——————————————————————————————————————————————————————————————————

export interface RevisionRecord {
  number: number;
  document: ReportDocument;
  flags: Flag[];
  explanations: Explanations;
  submittedAt: number;
  submittedByName: string | null;
  sourceFileName: string | null;
}

/** Revisions of a report already found within the viewer's scope. */
export async function listRevisions(db: Kysely<Database>, reportId: string): Promise<RevisionRecord[]> {
  const rows = await db.selectFrom("report_revisions").selectAll().where("report_id", "=", reportId).orderBy("number").execute();
  return rows.map((r) => ({
    number: Number(r.number),
    document: fromJson<ReportDocument>(r.document, emptyReport()),
    flags: fromJson<Flag[]>(r.flags, []),
    explanations: fromJson<Explanations>(r.explanations, {}),
    submittedAt: toNumber(r.submitted_at),
    submittedByName: r.submitted_by_name,
    sourceFileName: r.source_file_name,
  }));
}

export async function currentFlags(db: Kysely<Database>, reportId: string): Promise<Array<Flag & { explanation: string | null }>> {
  const rows = await db.selectFrom("report_flags").selectAll().where("report_id", "=", reportId).execute();
  return rows.map((r) => ({
    rule: r.rule, severity: r.severity as Flag["severity"], path: r.path, message: r.message,
    values: fromJson<Flag["values"]>(r.flag_values, {}), explanation: r.explanation,
  }));
}
