/**
 * The read model checked against a recompute: every report's flags, metrics row and class
 * amounts derived again from its document, compared with what is stored; `rebuild` writes
 * the recomputed rows. Context (settings, peers, last year's scores) is loaded once per
 * county-year, so the walk is linear in the number of reports.
 */
import type { Kysely } from "kysely";
import { fromJson, toNumber } from "#db/codecs";
import type { Database, ReportStatus } from "#db/schema";
import { emptyReport, type ReportDocument } from "~/domain/report";
import type { RuleSettings } from "~/domain/rules";
import {
  campaignSettings, countyPeers, crossContext, deriveState, metricsRow, previousScores, writeDerived, type Explanations,
} from "./reports.server";

export interface Mismatch {
  reportId: string;
  unitName: string;
  year: number;
  field: string;
  stored: string;
  expected: string;
}

type ContextCache = Map<string, Promise<{ settings: RuleSettings; deadline: number | null; peers: Awaited<ReturnType<typeof countyPeers>>; previous: Map<string, string> }>>;

function contextFor(db: Kysely<Database>, cache: ContextCache, countyId: string, year: number) {
  const key = `${countyId}:${year}`;
  let entry = cache.get(key);
  if (!entry) {
    entry = Promise.all([campaignSettings(db, countyId, year), countyPeers(db, countyId, year), previousScores(db, countyId, year - 1)]).then(
      ([s, peers, previous]) => ({ settings: s.settings, deadline: s.deadline, peers, previous }),
    );
    cache.set(key, entry);
  }
  return entry;
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
  const cache: ContextCache = new Map();
  const mismatches: Mismatch[] = [];
  let after = "";
  let checked = 0;
  for (;;) {
    const reports = await db
      .selectFrom("reports")
      .innerJoin("units", "units.id", "reports.unit_id")
      .select(["reports.id", "reports.county_id", "reports.unit_id", "reports.year", "reports.status", "reports.draft", "reports.explanations", "units.name", "units.kind"])
      .where("reports.id", ">", after)
      .$if(!!options.only, (q) => q.where("reports.county_id", "=", options.only!.countyId).where("reports.year", "=", options.only!.year))
      .orderBy("reports.id")
      .limit(500)
      .execute();
    if (!reports.length) break;
    const ids = reports.map((r) => r.id);
    const [stored, flags, classes, submissions] = await Promise.all([
      db.selectFrom("report_metrics").selectAll().where("report_id", "in", ids).execute(),
      db.selectFrom("report_flags").select(["report_id", "rule", "path", "severity", "message"]).where("report_id", "in", ids).execute(),
      db.selectFrom("report_class_amounts").select(["report_id", "class_code", "final_fen"]).where("report_id", "in", ids).execute(),
      db.selectFrom("report_revisions").select(["report_id", (eb) => eb.fn.max("submitted_at").as("at")]).where("report_id", "in", ids).groupBy("report_id").execute(),
    ]);
    for (const report of reports) {
      const ctx = await contextFor(db, cache, report.county_id, Number(report.year));
      const document = fromJson<ReportDocument>(report.draft, emptyReport());
      const explanations = fromJson<Explanations>(report.explanations, {});
      const state = deriveState(document, explanations, { settings: ctx.settings, ...crossContext(ctx.peers, ctx.previous, { id: report.id, unitId: report.unit_id }) });
      const submittedAtRaw = submissions.find((s) => s.report_id === report.id)?.at;
      const submittedAt = submittedAtRaw == null ? null : toNumber(submittedAtRaw as number);
      const target = {
        id: report.id, countyId: report.county_id, unitId: report.unit_id, year: Number(report.year), status: report.status as ReportStatus,
        unitKind: report.kind, unitName: report.name, submittedAt, late: submittedAt != null && ctx.deadline != null && submittedAt > ctx.deadline,
      };
      const expected = metricsRow(target, state.metrics, ctx.settings) as Record<string, unknown>;
      const row = stored.find((m) => m.report_id === report.id) as Record<string, unknown> | undefined;
      const problems: Array<[string, string, string]> = [];
      if (!row) problems.push(["report_metrics", "（缺失）", "应有一行"]);
      else for (const field of COMPARED) if (!same(row[field], expected[field])) problems.push([field, String(row[field]), String(expected[field])]);
      const flagKey = (f: { rule: string; path: string; severity: string; message: string }) => `${f.rule}|${f.path}|${f.severity}|${f.message}`;
      const storedFlags = flags.filter((f) => f.report_id === report.id).map(flagKey).sort().join("\n");
      const expectedFlags = state.flags.map((f) => flagKey({ ...f, path: f.path.slice(0, 200), message: f.message.slice(0, 1000) })).sort().join("\n");
      if (storedFlags !== expectedFlags) problems.push(["report_flags", storedFlags.split("\n").filter(Boolean).length + " 条", state.flags.length + " 条"]);
      const storedClasses = classes.filter((c) => c.report_id === report.id).map((c) => `${c.class_code}:${c.final_fen}`).sort().join(",");
      const expectedClasses = Object.entries(state.metrics.classAmounts).map(([k, v]) => `${k}:${v}`).sort().join(",");
      if (storedClasses !== expectedClasses) problems.push(["report_class_amounts", storedClasses, expectedClasses]);
      for (const [field, s, e] of problems) mismatches.push({ reportId: report.id, unitName: report.name, year: Number(report.year), field, stored: s, expected: e });
      if (problems.length && options.rebuild) {
        if (db.isTransaction) await writeDerived(db, target, state, explanations, ctx.settings);
        else await db.transaction().execute((trx) => writeDerived(trx, target, state, explanations, ctx.settings));
      }
    }
    checked += reports.length;
    options.onProgress?.(checked);
    after = reports.at(-1)!.id;
  }
  return { checked, mismatches };
}
