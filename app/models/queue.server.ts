/**
 * The reviewers' triage queue: reports of their counties from submission on, riskiest first
 * (the triage score kept in report_metrics), filtered in SQL and paged by keyset so the
 * tenth page costs what the first does.
 */
import type { Kysely } from "kysely";
import { toNumber } from "#db/codecs";
import type { Database, ReportStatus } from "#db/schema";

export interface QueueFilters {
  year: number;
  status?: ReportStatus | "all";
  rule?: string;
  severity?: "error" | "warning" | "info";
  unitKind?: string;
  functionClass?: string;
  late?: boolean;
  /** Only flag-free reports (no errors, no warnings): the bulk-approve view. */
  clean?: boolean;
}

export interface QueueCursor {
  score: number;
  submittedAt: number;
  id: string;
}

export const PAGE_SIZE = 25;

export function encodeCursor(cursor: QueueCursor): string {
  return Buffer.from(JSON.stringify([cursor.score, cursor.submittedAt, cursor.id])).toString("base64url");
}

export function decodeCursor(text: string | null | undefined): QueueCursor | null {
  if (!text) return null;
  try {
    const [score, submittedAt, id] = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (typeof score !== "number" || typeof submittedAt !== "number" || typeof id !== "string") return null;
    return { score, submittedAt, id };
  } catch {
    return null;
  }
}

export async function queuePage(db: Kysely<Database>, countyIds: string[], filters: QueueFilters, after: QueueCursor | null, pageSize = PAGE_SIZE) {
  if (!countyIds.length) return { rows: [], next: null };
  let q = db
    .selectFrom("report_metrics as m")
    .innerJoin("reports as r", "r.id", "m.report_id")
    .select((eb) => [
      "m.report_id", "m.unit_id", "m.unit_name", "m.unit_kind", "m.status", "m.year", "m.errors", "m.warnings", "m.infos", "m.unexplained_warnings",
      "m.deviation", "m.execution_rate", "m.self_score", "m.formula_score", "m.triage_score", "m.late", "m.submitted_at", "m.over_achieved",
      "m.score_above_formula", "m.main_class", "r.version", "m.county_id",
      // A subquery, not a join: joined, MariaDB starts from the counties and sorts all their reports.
      eb.selectFrom("counties as c").select("c.name").whereRef("c.id", "=", "m.county_id").$asScalar().$notNull().as("county_name"),
    ])
    .where("m.county_id", "in", countyIds)
    .where("m.year", "=", filters.year)
    .where("m.status", "!=", "draft");
  if (filters.status && filters.status !== "all") q = q.where("m.status", "=", filters.status);
  if (filters.severity === "error") q = q.where("m.errors", ">", 0);
  if (filters.severity === "warning") q = q.where("m.warnings", ">", 0);
  if (filters.severity === "info") q = q.where("m.infos", ">", 0);
  if (filters.unitKind) q = q.where("m.unit_kind", "=", filters.unitKind);
  if (filters.functionClass) q = q.where("m.main_class", "=", filters.functionClass);
  if (filters.late) q = q.where("m.late", "=", 1);
  if (filters.clean) q = q.where("m.errors", "=", 0).where("m.warnings", "=", 0);
  if (filters.rule) {
    // The few reports the rule flagged, by report_flags_county_rule (flags carry their report's
    // county and year), rather than a probe for every report of a city's year.
    q = q.where("m.report_id", "in", db.selectFrom("report_flags as f").select("f.report_id")
      .where("f.county_id", "in", countyIds).where("f.year", "=", filters.year).where("f.rule", "=", filters.rule));
  }
  if (after) {
    // (score desc, submitted_at asc, id asc) strictly after the cursor. The leading
    // `score <= cursor` lets the queue indexes (0005) start at the cursor instead of the top; the
    // row value keeps MariaDB from spending ~20 ms planning ranges over 200 counties × every disjunct.
    q = q.where("m.triage_score", "<=", after.score).where((eb) =>
      eb.or([
        eb("m.triage_score", "<", after.score),
        eb(eb.refTuple("m.submitted_at", "m.report_id"), ">", eb.tuple(after.submittedAt, after.id)),
      ]),
    );
  }
  const rows = await q.orderBy("m.triage_score", "desc").orderBy("m.submitted_at", "asc").orderBy("m.report_id", "asc").limit(pageSize + 1).execute();
  const page = rows.slice(0, pageSize).map((r) => ({
    reportId: r.report_id, unitId: r.unit_id, unitName: r.unit_name, unitKind: r.unit_kind, countyId: r.county_id, countyName: r.county_name, status: r.status as ReportStatus,
    year: Number(r.year), errors: Number(r.errors), warnings: Number(r.warnings), infos: Number(r.infos), unexplainedWarnings: Number(r.unexplained_warnings),
    deviation: r.deviation, executionRate: r.execution_rate, selfScore: r.self_score, formulaScore: r.formula_score, triageScore: Number(r.triage_score),
    late: Number(r.late) === 1, submittedAt: r.submitted_at == null ? null : toNumber(r.submitted_at), overAchieved: Number(r.over_achieved),
    scoreAboveFormula: Number(r.score_above_formula), mainClass: r.main_class, version: Number(r.version),
  }));
  const last = page.at(-1);
  const next = rows.length > pageSize && last ? encodeCursor({ score: last.triageScore, submittedAt: last.submittedAt ?? 0, id: last.reportId }) : null;
  return { rows: page, next };
}
