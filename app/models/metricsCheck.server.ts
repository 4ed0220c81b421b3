/**
 * The read model checked against a recompute: every report's flags, metrics row and class
 * amounts derived again from its document, compared with what is stored; `rebuild` writes
 * the recomputed rows. Context (settings, peers, last year's scores) is loaded once per
 * county-year, so the walk is linear in the number of reports.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { planRecompute, type CountyYearContext } from "~/domain/reportPlan";
import { loadCountyYearContext } from "./reportContext.server";
import { derivedRows, loadStoredReports, recomputeReports } from "./reportWrites.server";
import { now } from "#db/codecs";

export interface Mismatch {
  reportId: string;
  unitName: string;
  year: number;
  field: string;
  stored: string;
  expected: string;
}

/** One county-year's context per walk, shared by its reports. */
function contextCache(db: Kysely<Database>) {
  const cache = new Map<string, Promise<CountyYearContext>>();
  return (countyId: string, year: number) => {
    const key = `${countyId}:${year}`;
    if (!cache.has(key)) cache.set(key, loadCountyYearContext(db, countyId, year));
    return cache.get(key)!;
  };
}

const COMPARED = [
  "status", "unit_kind", "unit_name", "initial_budget_fen", "adjusted_budget_fen", "expenditure_fen", "execution_rate", "deviation", "self_score", "grade",
  "formula_score", "main_class", "errors", "warnings", "infos", "unexplained_warnings", "over_achieved", "score_above_formula", "triage_score", "late", "submitted_at",
] as const;

function same(a: unknown, b: unknown): boolean {
  if (a == null || b == null) return a == null && b == null;
  if (typeof a === "number" || typeof b === "number") {
    const x = Number(a), y = Number(b);
    return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
  }
  return String(a) === String(b);
}

/**
 * `only`: one county-year (a change of its settings); `db` may then be the caller's
 * transaction, and the rebuilt rows are written in it.
 */
export async function checkMetrics(
  db: Kysely<Database>,
  options: { rebuild?: boolean; onProgress?: (done: number) => void; only?: { countyId: string; year: number } } = {},
) {
  const contexts = contextCache(db);
  const mismatches: Mismatch[] = [];
  let after = "";
  let checked = 0;
  for (;;) {
    let page = db.selectFrom("reports").select("id").where("id", ">", after);
    if (options.only) page = page.where("county_id", "=", options.only.countyId).where("year", "=", options.only.year);
    const ids = (await page.orderBy("id").limit(500).execute()).map((r) => r.id);
    if (!ids.length) break;
    const [reports, stored, flags, classes] = await Promise.all([
      loadStoredReports(db, { ids }),
      db.selectFrom("report_metrics").selectAll().where("report_id", "in", ids).execute(),
      db.selectFrom("report_flags").select(["report_id", "rule", "path", "severity", "message"]).where("report_id", "in", ids).execute(),
      db.selectFrom("report_class_amounts").select(["report_id", "class_code", "final_fen"]).where("report_id", "in", ids).execute(),
    ]);
    const rebuild: string[] = [];
    for (const report of reports) {
      // What the write path would store for this report now.
      const expectedRows = derivedRows(report, planRecompute(report, await contexts(report.countyId, report.year), { newId: () => "", now: now() }).derived);
      const expected = expectedRows.metrics as Record<string, unknown>;
      const row = stored.find((m) => m.report_id === report.id) as Record<string, unknown> | undefined;
      const problems: Array<[string, string, string]> = [];
      if (!row) problems.push(["report_metrics", "（缺失）", "应有一行"]);
      else for (const field of COMPARED) if (!same(row[field], expected[field])) problems.push([field, String(row[field]), String(expected[field])]);
      const flagKey = (f: { rule: string; path: string; severity: string; message: string }) => `${f.rule}|${f.path}|${f.severity}|${f.message}`;
      const storedFlags = flags.filter((f) => f.report_id === report.id).map(flagKey).sort();
      const expectedFlags = expectedRows.flags.map(flagKey).sort();
      if (storedFlags.join("\n") !== expectedFlags.join("\n")) problems.push(["report_flags", `${storedFlags.length} 条`, `${expectedFlags.length} 条`]);
      const storedClasses = classes.filter((c) => c.report_id === report.id).map((c) => `${c.class_code}:${c.final_fen}`).sort().join(",");
      const expectedClasses = expectedRows.classAmounts.map((c) => `${c.class_code}:${c.final_fen}`).sort().join(",");
      if (storedClasses !== expectedClasses) problems.push(["report_class_amounts", storedClasses, expectedClasses]);
      for (const [field, s, e] of problems) mismatches.push({ reportId: report.id, unitName: report.unitName, year: report.year, field, stored: s, expected: e });
      if (problems.length) rebuild.push(report.id);
    }
    if (options.rebuild && rebuild.length) await recomputeReports(db, rebuild, contexts);
    checked += ids.length;
    options.onProgress?.(checked);
    after = ids.at(-1)!;
  }
  return { checked, mismatches };
}
