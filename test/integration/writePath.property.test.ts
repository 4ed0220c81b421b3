/**
 * The one write path, as a property: after any sequence of saves, transitions, received
 * reports, bulk generation and settings changes, the read model equals a recompute from
 * the documents (`checkMetrics`, i.e. `npm run metrics:verify`) and the audit chain holds.
 * Random sequences from fast-check, on the demo world, on each database.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { explanationKey } from "~/domain/metrics";
import type { Scope } from "~/domain/permissions";
import type { ReportDocument } from "~/domain/report";
import { checkReport, DEFAULT_RULE_SETTINGS } from "~/domain/rules";
import { allowedTransitions, type Transition } from "~/domain/workflow";
import { verifyAuditChain } from "~/models/audit.server";
import { updateCampaign } from "~/models/campaigns.server";
import { checkMetrics } from "~/models/metricsCheck.server";
import { findVisibleReport } from "~/models/reports.server";
import { applyTransition, insertReport, lockCounty, saveDraft } from "~/models/reportWrites.server";
import { campaignFor, planCountyYear, planProvince } from "../../scripts/lib/bench/dataset";
import { writeCampaigns, writeReportBatch, writeTenancy } from "../../scripts/lib/bulk";
import { seedDemo } from "../../scripts/lib/seed";
import { seededRandom, syntheticReport } from "../../scripts/lib/synthetic";
import { FigureRecorder } from "../../scripts/lib/reliability/figures";
import { TEST_DIALECT, useTestDatabase } from "./support/db";

const t = useTestDatabase();
const figures = new FigureRecorder("writepath", TEST_DIALECT);
afterAll(() => figures.write());

const NO_SCOPE: Scope = { staffUnitIds: [], reviewerCountyIds: [], leaderCountyIds: [], adminCountyIds: [] };
const staffOf = (unitId: string): Scope => ({ ...NO_SCOPE, staffUnitIds: [unitId] });
const reviewerOf = (countyId: string): Scope => ({ ...NO_SCOPE, reviewerCountyIds: [countyId] });
const clerk = { userId: null, name: "填报人员" };
const reviewer = { userId: null, name: "审核人员" };

type Command =
  | { kind: "save"; pick: number; selfScore: string; lineDelta: number; explain: boolean }
  | { kind: "transition"; pick: number; transition: Transition; reason: boolean }
  | { kind: "receive"; pick: number; seed: number; status: "submitted" | "returned" | "approved" }
  | { kind: "settings"; pick: number; deviationPct: number; scoreJump: number; outlierZ: number; deadlineDays: number | null }
  | { kind: "generate" };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("save" as const), pick: fc.nat(), selfScore: fc.constantFrom("", "60", "85", "92.5", "100"), lineDelta: fc.integer({ min: -500, max: 500 }), explain: fc.boolean() }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("transition" as const), pick: fc.nat(), transition: fc.constantFrom<Transition>("submit", "return", "approve", "reopen"), reason: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("receive" as const), pick: fc.nat(), seed: fc.nat(), status: fc.constantFrom("submitted" as const, "returned" as const, "approved" as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("settings" as const), pick: fc.nat(), deviationPct: fc.constantFrom(5, 10, 20), scoreJump: fc.constantFrom(5, 15, 30), outlierZ: fc.constantFrom(1, 2, 3), deadlineDays: fc.option(fc.integer({ min: -400, max: 400 }), { nil: null }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "generate" as const }) },
);

let generated = 0;

async function run(c: Command): Promise<string> {
  const db = t.db;
  const reports = await db.selectFrom("reports").select(["id", "unit_id", "county_id", "status", "year"]).orderBy("id").execute();
  const pick = <T,>(list: T[], n: number) => list[n % list.length];
  switch (c.kind) {
    case "save": {
      const editable = reports.filter((r) => r.status === "draft" || r.status === "returned");
      if (!editable.length) return "save:none";
      const target = pick(editable, c.pick);
      const report = (await findVisibleReport(db, staffOf(target.unit_id), target.id))!;
      const document: ReportDocument = structuredClone(report.draft);
      document.selfScore = c.selfScore;
      const line = document.expenditure.lines[0];
      if (line?.final) line.final = (Math.max(0, Number(line.final) * 100 + c.lineDelta) / 100).toFixed(2);
      const explanations = c.explain ? Object.fromEntries(checkReport(document).filter((f) => f.severity === "warning").map((f) => [explanationKey(f), "已核实"])) : {};
      const outcome = await saveDraft(db, report, { expectedVersion: report.version, document, explanations }, clerk);
      return `save:${outcome.ok ? "ok" : "refused"}`;
    }
    case "transition": {
      const staffSide = c.transition === "submit";
      // Mostly reports the transition applies to; every tenth pick any report, to be refused.
      const candidates = reports.filter((r) => allowedTransitions(r.status, staffSide ? "staff" : "reviewer").includes(c.transition));
      const target = pick(candidates.length && c.pick % 10 ? candidates : reports, c.pick);
      const scope = staffSide ? staffOf(target.unit_id) : reviewerOf(target.county_id);
      const report = await findVisibleReport(db, scope, target.id);
      if (!report) return `${c.transition}:unseen`;
      const outcome = await applyTransition(db, report, {
        transition: c.transition, expectedVersion: report.version, role: staffSide ? "staff" : "reviewer", reason: c.reason ? "请核对后重新提交" : null,
      }, staffSide ? clerk : reviewer);
      return `${c.transition}:${outcome.ok ? "ok" : "refused"}`;
    }
    case "receive": {
      const units = await db.selectFrom("units").leftJoin("reports", (j) => j.onRef("reports.unit_id", "=", "units.id").on("reports.year", "=", 2023))
        .select(["units.id", "units.name", "units.kind", "units.county_id"]).where("reports.id", "is", null).orderBy("units.id").execute();
      if (!units.length) return "receive:none";
      const unit = pick(units, c.pick);
      const { document } = syntheticReport({ unitName: unit.name, year: 2023, rnd: seededRandom(c.seed) });
      const id = await db.transaction().execute(async (trx) => {
        await lockCounty(trx, unit.county_id);
        return insertReport(trx, { countyId: unit.county_id, unit, year: 2023, document, status: c.status, source: "intake", sourceFileName: "收到的报告.docx", reviewNote: "已接收" }, reviewer);
      });
      return `receive:${id ? "ok" : "exists"}`;
    }
    case "settings": {
      const campaigns = await db.selectFrom("campaigns").select(["id", "county_id", "year", "deadline"]).orderBy("id").execute();
      const campaign = pick(campaigns, c.pick);
      const deadline = c.deadlineDays == null ? null : Date.UTC(Number(campaign.year) + 1, 2, 31) + c.deadlineDays * 86_400_000;
      const settings = { ...DEFAULT_RULE_SETTINGS, deviationPct: c.deviationPct, scoreJump: c.scoreJump, outlierZ: c.outlierZ };
      const ok = await db.transaction().execute((trx) => updateCampaign(trx, { id: campaign.id, countyId: campaign.county_id, deadline, settings }, { userId: null, name: "管理员" }));
      return `settings:${ok ? "ok" : "refused"}`;
    }
    case "generate": {
      // A new county through the bulk generator, two years, a seed of its own.
      const plan = planProvince({ counties: 1, units: 9, years: 2, lastYear: 2023, seed: 900 + ++generated });
      await writeTenancy(db, plan, "not-a-real-hash");
      for (const year of plan.years) {
        const campaigns = plan.counties.map((county) => campaignFor(plan, county, year));
        await writeCampaigns(db, campaigns, [plan.options.seed, 8, year]);
        for (const county of plan.counties) {
          const { reports, events } = planCountyYear(plan, county, year);
          await writeReportBatch(db, reports, events.map((event) => ({ county, event })), {
            campaign: () => ({ settings: campaigns[0].settings, deadline: campaigns[0].deadline }),
            previousScores: (_countyId, y) => (y < plan.years[0] ? new Map() : undefined),
          }, [plan.options.seed, 9, year]);
        }
      }
      return "generate:ok";
    }
  }
}

describe(`one write path (${TEST_DIALECT})`, () => {
  it("leaves the read model equal to a recompute, and the audit chain whole, after any sequence of writes", async () => {
    await seedDemo(t.db);
    const before = await checkMetrics(t.db);
    expect(before.mismatches).toEqual([]);
    const outcomes = new Map<string, number>();
    let sequences = 0;
    let worst = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
        for (const c of commands) {
          const outcome = await run(c);
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        }
        const { mismatches } = await checkMetrics(t.db);
        sequences++;
        worst = Math.max(worst, mismatches.length);
        expect(mismatches).toEqual([]);
        expect((await verifyAuditChain(t.db)).ok).toBe(true);
      }),
      { numRuns: 12, seed: 20261203 },
    );
    // The sequences really exercised each kind of write, successes included.
    for (const kind of ["save:ok", "submit:ok", "return:ok", "approve:ok", "receive:ok", "settings:ok", "generate:ok"]) {
      expect(outcomes.get(kind) ?? 0, kind).toBeGreaterThan(0);
    }
    const stored = await t.db.selectFrom("report_metrics").select("report_id").execute();
    figures.add("random write sequences checked against a recompute", sequences);
    figures.add("writes applied (all kinds, refusals included)", [...outcomes.values()].reduce((a, b) => a + b, 0));
    figures.add("reports at the end", stored.length);
    figures.add("read-model mismatches after any sequence (worst)", worst, { equals: 0 });
    figures.note(`outcomes: ${[...outcomes].sort().map(([k, n]) => `${k} ${n}`).join(", ")}`);
  }, 300_000);
});
