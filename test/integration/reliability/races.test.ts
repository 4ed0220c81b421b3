/**
 * Races through the report page's action (real Requests, real sessions), as figures:
 * 50 concurrent reviewer transitions on one version, a unit's save racing a reviewer's return,
 * two (and fifty) tabs of one user saving the same version. Exactly one wins each race; every
 * loser gets a 409 that says what happened (in Chinese, or the state the form turns into
 * Chinese); no acknowledged write is ever lost or overwritten unseen; one audit row per win.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, describe, expect, it } from "vitest";
import { conflictMessage } from "~/components/report";
import { toFormDocument } from "~/domain/formDocument";
import { explanationKey } from "~/domain/metrics";
import type { ReportDocument } from "~/domain/report";
import { checkReport } from "~/domain/rules";
import { scopeOf } from "~/domain/permissions";
import { verifyAuditChain } from "~/models/audit.server";
import { checkMetrics } from "~/models/metricsCheck.server";
import { findVisibleReport } from "~/models/reports.server";
import { applyTransition } from "~/models/reportWrites.server";
import { loadViewer } from "~/models/users.server";
import { action } from "~/routes/reports.$reportId._index";
import { DEMO_PASSWORD, referenceDocument, seedDemo, type DemoSeed } from "../../../scripts/lib/seed";
import { FigureRecorder } from "../../../scripts/lib/reliability/figures";
import { TEST_DIALECT, useTestDatabase } from "../support/db";
import { loginCookie } from "../support/requests";

const t = useTestDatabase();
const figures = new FigureRecorder("races", TEST_DIALECT);
const BASE = "http://localhost:3000";
const CJK = /[\u4e00-\u9fff]/;

let seed: DemoSeed;
const cookies: Record<string, string> = {};

function post(reportId: string, user: string, fields: Record<string, string>): ActionFunctionArgs {
  return {
    request: new Request(`${BASE}/reports/${reportId}?index`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, Cookie: cookies[user] },
      body: new URLSearchParams(fields).toString(),
    }),
    params: { reportId },
    context: { address: "10.60.0.1" },
  } as ActionFunctionArgs;
}

interface Answer {
  status: number;
  data: { ok: boolean; message?: string; conflict?: { status: string; version: number }; version?: number };
}

async function call(args: ActionFunctionArgs): Promise<Answer> {
  const result = await action(args).catch((e) => {
    if (e instanceof Response) return e;
    throw e;
  });
  if (result instanceof Response) return { status: result.status, data: { ok: false, message: await result.text() } };
  const r = result as { init?: { status?: number }; data?: Answer["data"] } & Answer["data"];
  return "init" in r && r.init ? { status: r.init.status ?? 200, data: r.data! } : { status: 200, data: r as Answer["data"] };
}

/** What the user reads on a 409: the server's message, or the form's message for the state it got. */
function messageOf(a: Answer): string {
  return a.data.message ?? (a.data.conflict ? conflictMessage(a.data.conflict.status) : "");
}

const version = async (id: string) => Number((await t.db.selectFrom("reports").select("version").where("id", "=", id).executeTakeFirstOrThrow()).version);
const statusOf = async (id: string) => (await t.db.selectFrom("reports").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status;
const draftOf = async (id: string) => JSON.parse((await t.db.selectFrom("reports").select("draft").where("id", "=", id).executeTakeFirstOrThrow()).draft) as ReportDocument;
const auditRows = async (id: string, actions: string[]) =>
  Number((await t.db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).where("entity_id", "=", id).where("action", "in", actions).executeTakeFirstOrThrow()).n);

function cleanDocument(marker: string): { document: string; explanations: string } {
  const doc = referenceDocument();
  doc.targets.indicators[4].score = "10";
  doc.selfScore = "98";
  doc.targets.overallGoal = marker;
  const explanations = Object.fromEntries(checkReport(doc).filter((f) => f.severity === "warning").map((f) => [explanationKey(f), "已核实"]));
  const form = toFormDocument(doc);
  return { document: JSON.stringify(form), explanations: JSON.stringify(explanations) };
}

const tally = { races: 0, winners: 0, losers: 0, lostUpdates: 0, doubleWins: 0, conflictsWithoutMessage: 0, conflictsWithTextInBody: 0, conflicts: 0, auditMismatches: 0 };

function book(answers: Answer[], expectWinners = 1) {
  tally.races++;
  const winners = answers.filter((a) => a.status === 200 && a.data.ok);
  const losers = answers.filter((a) => !(a.status === 200 && a.data.ok));
  tally.winners += winners.length;
  tally.losers += losers.length;
  if (winners.length > expectWinners) tally.doubleWins++;
  for (const l of losers) {
    if (l.status === 409) {
      tally.conflicts++;
      if (CJK.test(l.data.message ?? "")) tally.conflictsWithTextInBody++;
    }
    if (l.status !== 409 || !CJK.test(messageOf(l))) tally.conflictsWithoutMessage++;
  }
  return { winners, losers };
}

describe(`races through the report action (${TEST_DIALECT})`, () => {
  let unitReport: string;

  it("seeds the demo and signs in", async () => {
    seed = await seedDemo(t.db);
    for (const u of ["zonggonghui", "luxian_reviewer"]) cookies[u] = await loginCookie(u, DEMO_PASSWORD);
    unitReport = (await t.db.selectFrom("reports").select("id").where("unit_id", "=", seed.unitIds["泸县总工会"]).where("year", "=", 2023).executeTakeFirstOrThrow()).id;
  }, 60_000);

  it("lets exactly one of 50 concurrent approve/return requests on one version through", async () => {
    const submitted = await t.db.selectFrom("reports").select("id").where("county_id", "=", seed.luxianId).where("status", "=", "submitted").where("year", "=", 2023).limit(3).execute();
    for (const { id } of submitted) {
      const v = await version(id);
      const auditBefore = await auditRows(id, ["report.approve", "report.return"]);
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) =>
        call(post(id, "luxian_reviewer", { intent: i % 2 ? "approve" : "return", version: String(v), reason: "并发测试：请补充说明" }))));
      const { winners, losers } = book(answers);
      expect(winners).toHaveLength(1);
      expect(losers.every((l) => l.status === 409 && CJK.test(l.data.message ?? ""))).toBe(true);
      expect(await version(id)).toBe(v + 1);
      if ((await auditRows(id, ["report.approve", "report.return"])) !== auditBefore + 1) tally.auditMismatches++;
    }
    figures.add("concurrent transitions per race", 50);
  }, 120_000);

  it("never loses an update between two tabs of one user (20 rounds), nor among 50 tabs", async () => {
    for (let round = 0; round < 20; round++) {
      const v = await version(unitReport);
      const a = cleanDocument(`tab-A-${round}`);
      const b = cleanDocument(`tab-B-${round}`);
      const answers = await Promise.all([
        call(post(unitReport, "zonggonghui", { intent: "save", version: String(v), ...a })),
        call(post(unitReport, "zonggonghui", { intent: "save", version: String(v), ...b })),
      ]);
      const { winners, losers } = book(answers);
      expect(winners).toHaveLength(1);
      const winnerMarker = answers[0] === winners[0] ? `tab-A-${round}` : `tab-B-${round}`;
      const loserMarker = winnerMarker.replace(/tab-[AB]/, (m) => (m === "tab-A" ? "tab-B" : "tab-A"));
      if ((await draftOf(unitReport)).targets.overallGoal !== winnerMarker) tally.lostUpdates++;
      expect(losers[0].status).toBe(409);
      expect(losers[0].data.conflict?.version).toBe(v + 1);
      // The losing tab reloads and saves again: now it is the latest, nothing in between was lost.
      const retry = await call(post(unitReport, "zonggonghui", { intent: "save", version: String(losers[0].data.conflict!.version), ...(loserMarker.startsWith("tab-A") ? a : b) }));
      expect(retry.status).toBe(200);
      if ((await draftOf(unitReport)).targets.overallGoal !== loserMarker) tally.lostUpdates++;
    }
    const v = await version(unitReport);
    const saves = await auditRows(unitReport, ["report.save"]);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => call(post(unitReport, "zonggonghui", { intent: "save", version: String(v), ...cleanDocument(`tab-${i}`) }))));
    const { winners } = book(answers);
    expect(winners).toHaveLength(1);
    const winner = answers.indexOf(winners[0]);
    if ((await draftOf(unitReport)).targets.overallGoal !== `tab-${winner}`) tally.lostUpdates++;
    if ((await auditRows(unitReport, ["report.save"])) !== saves + 1) tally.auditMismatches++;
  }, 180_000);

  it("never lets a unit's save slip under a reviewer's return (15 rounds)", async () => {
    for (let round = 0; round < 15; round++) {
      // The unit submits a clean report; its other tab still holds the version before the submit.
      const before = await version(unitReport);
      const clean = cleanDocument(`submitted-${round}`);
      const submit = await call(post(unitReport, "zonggonghui", { intent: "submit", version: String(before), ...clean }));
      expect(submit.status, JSON.stringify(submit.data)).toBe(200);
      const v = await version(unitReport);
      const staleTab = round % 2 ? before : v;
      const answers = await Promise.all([
        call(post(unitReport, "luxian_reviewer", { intent: "return", version: String(v), reason: `第${round}轮：请补充` })),
        call(post(unitReport, "zonggonghui", { intent: "save", version: String(staleTab), ...cleanDocument(`racing-save-${round}`) })),
      ]);
      const [ret, save] = answers;
      book(answers);
      expect(ret.status).toBe(200);
      expect(save.status).toBe(409);
      expect(CJK.test(messageOf(save))).toBe(true);
      expect(await statusOf(unitReport)).toBe("returned");
      // What the reviewer returned is what was submitted; the racing save did not get in.
      if ((await draftOf(unitReport)).targets.overallGoal !== `submitted-${round}`) tally.lostUpdates++;
      // The unit reloads and saves: accepted, on top of the returned report.
      const again = await call(post(unitReport, "zonggonghui", { intent: "save", version: String(await version(unitReport)), ...cleanDocument(`after-return-${round}`) }));
      expect(again.status).toBe(200);
    }
    const revisions = await t.db.selectFrom("report_revisions").select(["number", "document"]).where("report_id", "=", unitReport).orderBy("number").execute();
    expect(revisions.map((r) => JSON.parse(r.document).targets.overallGoal)).toEqual(Array.from({ length: 15 }, (_, i) => `submitted-${i}`));
  }, 180_000);

  // Each transition recomputes the county-year's cross-report flags (COUNTY_OUTLIER, SCORE_JUMP)
  // from the reports counted at that moment: two at once must neither fail nor miss each other.
  it("handles reports of one county-year changing at once: no error, cross-report flags equal to a recompute", async () => {
    const reviewerId = (await t.db.selectFrom("users").select("id").where("username", "=", "luxian_reviewer").executeTakeFirstOrThrow()).id;
    const reviewer = (await loadViewer(t.db, reviewerId))!;
    const rows = await t.db.selectFrom("reports").select(["id", "unit_id"]).where("county_id", "=", seed.luxianId).where("year", "=", 2023).where("status", "=", "submitted").orderBy("id").limit(8).execute();
    const errors: string[] = [];
    const offAfter: number[] = [];
    for (let round = 0; round < 3; round++) {
      // The reviewer returns eight reports at once (through the page's action)…
      const returns = await Promise.all(rows.map(async ({ id }) => {
        const a = await call(post(id, "luxian_reviewer", { intent: "return", version: String(await version(id)), reason: "并发复核：请补充" })).catch((e: Error) => ({ status: 500, data: { ok: false, message: e.message } }));
        if (a.status !== 200) errors.push(`return: ${a.status} ${a.data.message?.slice(0, 80)}`);
      }));
      void returns;
      offAfter.push((await checkMetrics(t.db)).mismatches.filter((m) => m.year === 2023 && m.field !== "submitted_at" && m.field !== "late").length);
      // …and their units submit them again at once.
      await Promise.all(rows.map(async ({ id, unit_id }) => {
        const report = (await findVisibleReport(t.db, { staffUnitIds: [unit_id], reviewerCountyIds: [], leaderCountyIds: [], adminCountyIds: [] }, id))!;
        const out = await applyTransition(t.db, report, { transition: "submit", expectedVersion: report.version, role: "staff" }, { userId: reviewer.userId, name: "单位" }).catch((e: Error) => ({ ok: false as const, message: e.message }));
        if (!out.ok) errors.push(`submit: ${out.message.slice(0, 80)}`);
      }));
      offAfter.push((await checkMetrics(t.db)).mismatches.filter((m) => m.year === 2023 && m.field !== "submitted_at" && m.field !== "late").length);
    }
    void scopeOf;
    figures.add("concurrent transitions in one county-year", `${rows.length} at once × 6`);
    figures.add("  failed with an error (deadlock / 5xx)", errors.length, { equals: 0 });
    figures.add("  read-model fields off afterwards (max)", Math.max(...offAfter), { equals: 0 });
    if (errors.length) figures.note(`concurrent transitions: ${[...new Set(errors)].slice(0, 3).join(" | ")}`);
    expect(errors).toEqual([]);
    expect(offAfter).toEqual(offAfter.map(() => 0));
  }, 120_000);

  it("sums up", async () => {
    const chain = await verifyAuditChain(t.db);
    figures.add("races run", tally.races);
    figures.add("requests in races", tally.winners + tally.losers);
    figures.add("races with more than one winner", tally.doubleWins, { equals: 0 });
    figures.add("lost updates", tally.lostUpdates, { equals: 0 });
    figures.add("losers without a clear Chinese message (409)", tally.conflictsWithoutMessage, { equals: 0 });
    figures.add("409s carrying Chinese text in the response itself", `${tally.conflictsWithTextInBody}/${tally.conflicts}`);
    figures.add("wins without exactly one audit row", tally.auditMismatches, { equals: 0 });
    figures.add("audit chain", chain.ok ? "verifies" : `broken at ${chain.ok ? "" : chain.brokenSeq}`, { text: "verifies" });
    expect(tally.doubleWins).toBe(0);
    expect(tally.lostUpdates).toBe(0);
    expect(tally.conflictsWithoutMessage).toBe(0);
    expect(tally.auditMismatches).toBe(0);
    expect(chain.ok).toBe(true);
  });
});

afterAll(() => {
  figures.write();
});
