/**
 * Hostile input, as numbers: thousands of malformed payloads (fast-check, fixed seeds) sent to
 * every action — NaN, Infinity, 1e308, negative counts, huge strings, wrong JSON types, missing
 * fields, weights ≠ 100, score > weight, duplicate and excess rows, invalid UTF-8, markup in
 * every text field, malformed JSON in the report's `document` field — and through the real
 * server, 10 MB and 25 MB bodies and pages that show stored hostile strings.
 *
 * Figures: payloads sent, accepted invalid documents (a stored draft must always pass
 * reportDocumentSchema), 5xx, rejected requests that changed the database (checked with an
 * exact write probe per request: SQLite's total_changes() on the app's connection / MySQL's
 * CHECKSUM TABLE, and a full SHA-256 of every table's rows around sampled rejections),
 * rejections without a Chinese message, raw markup from data in rendered pages.
 */
import fc from "fast-check";
import { sql } from "kysely";
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { getDb } from "#db/client";
import { isMysql } from "#db/dialect";
import { USERNAME_PATTERN } from "~/auth/accounts.server";
import { fromFormDocument, toFormDocument, type FormDocument } from "~/domain/formDocument";
import { explanationKey } from "~/domain/metrics";
import { reportDocumentSchema, type ReportDocument } from "~/domain/report";
import { checkReport, ruleSettingsSchema } from "~/domain/rules";
import { addComment } from "~/models/comments.server";
import { findVisibleReport } from "~/models/reports.server";
import { applyTransition, insertReport } from "~/models/reportWrites.server";
import { loadViewer } from "~/models/users.server";
import * as reportRoute from "~/routes/reports.$reportId._index";
import * as importRoute from "~/routes/reports.$reportId.import";
import * as reviewRoute from "~/routes/review._index";
import * as unitRoute from "~/routes/unit._index";
import * as unitsNewRoute from "~/routes/admin.units.new";
import * as usersNewRoute from "~/routes/admin.users.new";
import * as userRoute from "~/routes/admin.users.$userId";
import * as accountRoute from "~/routes/account";
import * as loginRoute from "~/routes/login";
import * as campaignsRoute from "~/routes/admin.campaigns";
import * as intakeRoute from "~/routes/intake";
import * as intakeUploadRoute from "~/routes/intake.upload";
import { scopeOf, type Viewer } from "~/domain/permissions";
import { DEMO_PASSWORD, referenceDocument, seedDemo, type DemoSeed } from "../../../scripts/lib/seed";
import { FigureRecorder } from "../../../scripts/lib/reliability/figures";
import { Browser, ensureBuildOnce, startAppServer, type AppServer } from "../../../scripts/lib/reliability/server";
import { changedTables, databaseChecksums, listTables } from "../../../scripts/lib/reliability/tables";
import { TEST_DIALECT, useTestDatabase } from "../support/db";
import { loginCookie } from "../support/requests";
import { documentField, evilJsonValue, evilString, explanationsField, IMG, invalidUtf8, SCRIPT, versionField } from "./hostile-arbitraries";

const t = useTestDatabase();
const figures = new FigureRecorder("hostile", TEST_DIALECT);
const BASE = "http://localhost:3000";
const FIXTURE = readFileSync(new URL("../../fixtures/luxian-trade-union-2023.txt", import.meta.url), "utf8");
const CJK = /[\u4e00-\u9fff]/;
/** Runs per action: ≥ 2000 in all, sized to keep each dialect well under a minute. */
const RUNS = { save: 480, submit: 100, transition: 150, comment: 380, bulk: 200, start: 100, unitsNew: 150, usersNew: 40, user: 40, account: 20, login: 60, accept: 120, preview: 40, campaigns: 100, intake: 60, upload: 20 };

interface Stats {
  sent: number;
  perAction: Record<string, { sent: number; accepted: number; rejected: number }>;
  acceptedInvalid: string[];
  serverErrors: string[];
  rejectedWithWrites: string[];
  fullChecksumVerifications: number;
  notChinese: string[];
  conflictsWithoutText: number;
  /** A tampered hidden `intent` answered by zod's English default: not a message anyone sees. */
  hiddenFieldEnglish: string[];
  submittedWithErrors: string[];
}
const stats: Stats = { sent: 0, perAction: {}, acceptedInvalid: [], serverErrors: [], rejectedWithWrites: [], fullChecksumVerifications: 0, notChinese: [], conflictsWithoutText: 0, hiddenFieldEnglish: [], submittedWithErrors: [] };

let seed: DemoSeed;
const cookies: Record<string, string> = {};
const viewers: Record<string, Viewer> = {};
const ids: Record<string, string> = {};
let baseForm: FormDocument;
/** The report's version right now: the `version` arbitraries read it when a request is built. */
let liveVersion = 0;
let cleanExplanations: Record<string, string>;

// ——— requests ———————————————————————————————————————————————————————————————————————

let addressCounter = 0;
const nextAddress = () => `10.90.${Math.floor(addressCounter / 250) % 250}.${addressCounter++ % 250}`;

type Fields = Record<string, string>;

/** A urlencoded (or multipart) POST; `rawField` splices invalid UTF-8 bytes into one field. */
function post(path: string, user: string | null, fields: Fields | FormData, params: Record<string, string> = {}, rawField?: { name: string; bytes: Uint8Array }): ActionFunctionArgs {
  const headers: Record<string, string> = { Origin: BASE };
  if (user) headers.Cookie = cookies[user];
  let body: BodyInit;
  if (fields instanceof FormData) body = fields;
  else {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    const text = new URLSearchParams(fields).toString();
    body = rawField ? Buffer.concat([Buffer.from(`${text}&${rawField.name}=`), Buffer.from(rawField.bytes), Buffer.from("%E4%B8%AD")]) : text;
  }
  return { request: new Request(BASE + path, { method: "POST", headers, body }), params, context: { address: nextAddress() } } as ActionFunctionArgs;
}

const statusOf = (r: unknown) => (r instanceof Response ? r.status : r && typeof r === "object" && "init" in r ? ((r as { init?: { status?: number } }).init?.status ?? 200) : 200);
const dataOf = (r: unknown): any => (r && typeof r === "object" && "init" in r ? (r as unknown as { data: unknown }).data : r);

async function bodyText(r: unknown): Promise<string> {
  if (r instanceof Response) return r.clone().text();
  return JSON.stringify(dataOf(r) ?? null);
}

// ——— write probes ——————————————————————————————————————————————————————————————————

/** An exact marker of any write: SQLite total_changes() on the app's one connection; MySQL CHECKSUM TABLE. */
async function probe(exclude: string[] = []): Promise<string> {
  const db = t.db;
  if (isMysql(db)) {
    const tables = (await listTables(db)).filter((x) => !exclude.includes(x));
    const { rows } = await sql<{ Table: string; Checksum: number | string }>`CHECKSUM TABLE ${sql.join(tables.map((x) => sql.table(x)))} EXTENDED`.execute(db);
    return JSON.stringify(rows.map((r) => [r.Table, String(r.Checksum)]));
  }
  if (exclude.length) return JSON.stringify(await databaseChecksums(db, { exclude }));
  const app = await sql<{ n: number }>`SELECT total_changes() AS n`.execute(getDb());
  const test = await sql<{ n: number }>`SELECT total_changes() AS n`.execute(db);
  return `${app.rows[0].n}/${test.rows[0].n}`;
}

interface Outcome {
  status: number;
  accepted: boolean;
  result: unknown;
}

let sinceFull = 0;

/**
 * Sends one hostile request and books it: 5xx/throws, rejections that wrote anything (every
 * table but those named in `mayWrite`), rejections without a Chinese message.
 */
async function send(action: string, handler: (args: ActionFunctionArgs) => Promise<unknown>, args: ActionFunctionArgs, options: { mayWrite?: string[]; acceptedWhen?: (status: number, data: any) => boolean } = {}): Promise<Outcome> {
  // A refusal may append to the audit log (denials are audited by design): that records the
  // attempt, it changes no data. Every other table must stay as it was.
  const exclude = [...(options.mayWrite ?? []), "audit_log", "audit_head"];
  // Every 40th request also gets a full SHA-256 of every table's rows before and after.
  const full = ++sinceFull % 40 === 0;
  const fullBefore = full ? await databaseChecksums(t.db, { exclude }) : null;
  const before = await probe(exclude);
  let result: unknown;
  let status: number;
  try {
    result = await handler(args);
    status = statusOf(result);
  } catch (e) {
    if (e instanceof Response) {
      result = e;
      status = e.status;
    } else {
      result = e;
      status = 500;
    }
  }
  const data = dataOf(result);
  const refusedInBody = !(result instanceof Response) && data && typeof data === "object" && data.ok === false;
  const accepted = options.acceptedWhen ? options.acceptedWhen(status, data) : status < 400 && !refusedInBody;
  stats.sent++;
  const book = (stats.perAction[action] ??= { sent: 0, accepted: 0, rejected: 0 });
  book.sent++;
  if (accepted) book.accepted++;
  else book.rejected++;
  if (status >= 500) stats.serverErrors.push(`${action}: ${result instanceof Error ? result.stack?.split("\n").slice(0, 3).join(" | ") : status}`);
  if (!accepted && status < 500) {
    const after = await probe(exclude);
    if (after !== before) stats.rejectedWithWrites.push(`${action}: ${status} ${JSON.stringify(data)?.slice(0, 160)}`);
    if (fullBefore) {
      const changed = changedTables(fullBefore, await databaseChecksums(t.db, { exclude }));
      stats.fullChecksumVerifications++;
      if (changed.length) stats.rejectedWithWrites.push(`${action}: tables changed ${changed.join(",")}`);
    }
    const text = await bodyText(result);
    if (!CJK.test(text)) {
      if (status === 409 && data?.conflict?.status) stats.conflictsWithoutText++;
      else if (data?.errors && Object.keys(data.errors).every((k) => k === "intent")) stats.hiddenFieldEnglish.push(`${action}: ${text.slice(0, 120)}`);
      else stats.notChinese.push(`${action}: ${status} ${text.slice(0, 160)}`);
    }
  }
  return { status, accepted, result };
}

// ——— checks of what was accepted ———————————————————————————————————————————————————————

async function draftOf(reportId: string): Promise<unknown> {
  const row = await t.db.selectFrom("reports").select("draft").where("id", "=", reportId).executeTakeFirstOrThrow();
  return JSON.parse(row.draft);
}

async function assertStoredDraftValid(action: string, reportId: string, expected?: ReportDocument) {
  const stored = await draftOf(reportId);
  const parsed = reportDocumentSchema.safeParse(stored);
  if (!parsed.success) stats.acceptedInvalid.push(`${action}: stored draft fails the schema: ${parsed.error.issues[0]?.message}`);
  else if (expected && JSON.stringify(parsed.data) !== JSON.stringify(reportDocumentSchema.parse(expected))) {
    stats.acceptedInvalid.push(`${action}: stored draft differs from what the save acknowledged`);
  }
}

async function currentVersion(reportId: string) {
  return Number((await t.db.selectFrom("reports").select("version").where("id", "=", reportId).executeTakeFirstOrThrow()).version);
}

/** Puts a report back to an editable state after a hostile submit got through. */
async function reopenForStaff(reportId: string) {
  const reviewer = viewers.luxian_reviewer;
  const report = await findVisibleReport(t.db, scopeOf(reviewer), reportId);
  if (report && (report.status === "submitted" || report.status === "approved")) {
    if (report.status === "approved") {
      await applyTransition(t.db, report, { transition: "reopen", expectedVersion: report.version, reason: "测试复原", role: "reviewer" }, { userId: reviewer.userId, name: reviewer.displayName });
    }
    const again = (await findVisibleReport(t.db, scopeOf(reviewer), reportId))!;
    await applyTransition(t.db, again, { transition: "return", expectedVersion: again.version, reason: "测试复原", role: "reviewer" }, { userId: reviewer.userId, name: reviewer.displayName });
  }
}

const sample = <T,>(arb: fc.Arbitrary<T>, numRuns: number, seedValue: number) => fc.sample(arb, { numRuns, seed: seedValue });
const maybeRaw = () => fc.option(invalidUtf8(), { freq: 8 });

function fixedReference(): ReportDocument {
  const doc = referenceDocument();
  doc.targets.indicators[4].score = "10";
  doc.selfScore = "98";
  return doc;
}

// ——— the tests ——————————————————————————————————————————————————————————————————————

describe(`hostile input (${TEST_DIALECT})`, () => {
  it("seeds the demo and signs in the actors", async () => {
    seed = await seedDemo(t.db);
    for (const u of ["zonggonghui", "luxian_reviewer", "luxian_admin", "hejiang_staff"]) {
      cookies[u] = await loginCookie(u, DEMO_PASSWORD);
      const row = await t.db.selectFrom("users").select("id").where("username", "=", u).executeTakeFirstOrThrow();
      viewers[u] = (await loadViewer(t.db, row.id))!;
      ids[`user:${u}`] = row.id;
    }
    const reports = await t.db.selectFrom("reports").select(["id", "unit_id", "year", "status", "county_id"]).execute();
    ids.draft = reports.find((r) => r.unit_id === seed.unitIds["泸县总工会"] && Number(r.year) === 2023)!.id;
    ids.own22 = reports.find((r) => r.unit_id === seed.unitIds["泸县总工会"] && Number(r.year) === 2022)!.id;
    const submitted = reports.filter((r) => r.county_id === seed.luxianId && r.status === "submitted" && Number(r.year) === 2023);
    ids.review = submitted[0].id;
    ids.transition = submitted[1].id;
    ids.hejiangSubmitted = reports.find((r) => r.county_id === seed.hejiangId && r.status !== "draft")!.id;
    baseForm = toFormDocument(fixedReference());
    baseForm.unit.name = "泸县总工会";
    cleanExplanations = Object.fromEntries(checkReport(fixedReference()).filter((f) => f.severity === "warning").map((f) => [explanationKey(f), "已核实：年中追加预算。"]));
    const comment = await addComment(t.db, { reportId: ids.review, countyId: seed.luxianId, revision: 1, path: "selfScore", replyTo: null, body: "请说明", side: "bureau" }, { userId: viewers.luxian_reviewer.userId, name: "李审核" });
    ids.comment = comment.ok ? comment.id : "";
    const own = await addComment(t.db, { reportId: ids.own22, countyId: seed.luxianId, revision: 1, path: null, replyTo: null, body: "请补充", side: "bureau" }, { userId: viewers.luxian_reviewer.userId, name: "李审核" });
    ids.ownComment = own.ok ? own.id : "";
  }, 60_000);

  it("the report save action: malformed documents are refused, whatever is stored passes the schema", async () => {
    const arb = fc.record({ document: documentField(baseForm), explanations: explanationsField({}), version: versionField(() => liveVersion), raw: maybeRaw() });
    for (const input of sample(arb, RUNS.save, 20231)) {
      liveVersion = await currentVersion(ids.draft);
      const fields: Fields = { intent: "save", version: input.version(), document: input.document, explanations: input.explanations };
      const args = post(`/reports/${ids.draft}?index`, "zonggonghui", fields, { reportId: ids.draft }, input.raw ? { name: "note", bytes: input.raw } : undefined);
      const out = await send("report.save", reportRoute.action, args);
      if (out.accepted) {
        let expected: ReportDocument | undefined;
        try {
          const conversion = fromFormDocument(JSON.parse(input.document));
          if (conversion.document) expected = { ...conversion.document, unit: { ...conversion.document.unit, name: "泸县总工会" }, year: 2023 };
        } catch {
          stats.acceptedInvalid.push("report.save: accepted a document that is not JSON");
        }
        if (!expected) stats.acceptedInvalid.push("report.save: accepted a document the form conversion rejects");
        await assertStoredDraftValid("report.save", ids.draft, expected);
      }
    }
    await assertStoredDraftValid("report.save (final)", ids.draft);
  }, 300_000);

  it("the report submit action: nothing with errors or unexplained warnings is submitted", async () => {
    const arb = fc.record({
      document: fc.oneof({ weight: 1, arbitrary: fc.constant(JSON.stringify(baseForm)) }, { weight: 3, arbitrary: documentField(baseForm) }),
      explanations: explanationsField(cleanExplanations),
    });
    for (const input of sample(arb, RUNS.submit, 20232)) {
      const version = await currentVersion(ids.draft);
      const revisionsBefore = await t.db.selectFrom("report_revisions").select("id").where("report_id", "=", ids.draft).execute();
      const out = await send("report.submit", reportRoute.action, post(`/reports/${ids.draft}?index`, "zonggonghui", { intent: "submit", version: String(version), document: input.document, explanations: input.explanations }, { reportId: ids.draft }), {
        // "Saved, but not submitted" wrote the draft: judged as a save, the submit as refused below.
        acceptedWhen: (status, data) => (status < 400 && data?.ok !== false) || (status < 500 && typeof data?.version === "number"),
      });
      const revisions = await t.db.selectFrom("report_revisions").select(["id", "flags", "explanations", "document"]).where("report_id", "=", ids.draft).orderBy("number").execute();
      const submitted = out.status < 400 && dataOf(out.result)?.ok !== false;
      if (submitted) {
        const latest = revisions.at(-1);
        if (!latest || revisions.length !== revisionsBefore.length + 1) stats.acceptedInvalid.push("report.submit: acknowledged without a new revision");
        else {
          const flags = JSON.parse(latest.flags) as Array<{ rule: string; path: string; severity: string }>;
          const explanations = JSON.parse(latest.explanations ?? "{}") as Record<string, string>;
          if (flags.some((f) => f.severity === "error")) stats.submittedWithErrors.push("submitted with error flags");
          if (flags.some((f) => f.severity === "warning" && !explanations[explanationKey(f)]?.trim())) stats.submittedWithErrors.push("submitted with unexplained warnings");
          if (!reportDocumentSchema.safeParse(JSON.parse(latest.document)).success) stats.acceptedInvalid.push("report.submit: revision fails the schema");
        }
        await reopenForStaff(ids.draft);
      } else if (revisions.length !== revisionsBefore.length) {
        stats.acceptedInvalid.push("report.submit: refused but a revision was written");
      }
      await assertStoredDraftValid("report.submit", ids.draft);
    }
  }, 300_000);

  it("review transitions with hostile reasons and versions", async () => {
    const arb = fc.record({ intent: fc.constantFrom("approve", "return", "reopen", "approve ", "APPROVE", "", "delete"), reason: evilString(), version: versionField(() => liveVersion) });
    for (const input of sample(arb, RUNS.transition, 20233)) {
      liveVersion = await currentVersion(ids.transition);
      const fields = { intent: input.intent, version: input.version(), reason: input.reason };
      const auditBefore = await t.db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).where("entity_id", "=", ids.transition).executeTakeFirstOrThrow();
      const out = await send("report.transition", reportRoute.action, post(`/reports/${ids.transition}?index`, "luxian_reviewer", fields, { reportId: ids.transition }));
      if (out.accepted) {
        const auditAfter = await t.db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).where("entity_id", "=", ids.transition).executeTakeFirstOrThrow();
        if (Number(auditAfter.n) !== Number(auditBefore.n) + 1) stats.acceptedInvalid.push("report.transition: accepted without exactly one audit row");
        if ((input.intent === "return" || input.intent === "reopen") && !input.reason.trim()) stats.acceptedInvalid.push("report.transition: return/reopen without a reason");
      }
    }
  }, 300_000);

  it("comments, answers and resolves with hostile bodies, paths and ids", async () => {
    const arb = fc.record({
      intent: fc.constantFrom("comment", "answer", "resolve"),
      actor: fc.constantFrom("luxian_reviewer", "zonggonghui"),
      body: evilString(), path: fc.option(evilString(), { nil: undefined }),
      replyTo: fc.oneof(fc.constant("valid"), evilString()), commentId: fc.oneof(fc.constant("valid"), evilString()), raw: maybeRaw(),
    });
    for (const input of sample(arb, RUNS.comment, 20234)) {
      const report = input.actor === "zonggonghui" ? ids.own22 : ids.review;
      const valid = input.actor === "zonggonghui" ? ids.ownComment : ids.comment;
      const fields: Fields = { intent: input.intent, body: input.body, replyTo: input.replyTo === "valid" ? valid : input.replyTo, commentId: input.commentId === "valid" ? valid : input.commentId };
      if (input.path !== undefined) fields.path = input.path;
      const countBefore = await t.db.selectFrom("comments").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
      const out = await send("report.comment", reportRoute.action, post(`/reports/${report}?index`, input.actor, fields, { reportId: report }, input.raw ? { name: "body", bytes: input.raw } : undefined));
      if (out.accepted && input.intent !== "resolve") {
        const newest = await t.db.selectFrom("comments").select(["body", "path", "report_id", "reply_to"]).orderBy("created_at", "desc").orderBy("id", "desc").limit(1).executeTakeFirstOrThrow();
        const countAfter = await t.db.selectFrom("comments").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
        if (Number(countAfter.n) !== Number(countBefore.n) + 1) stats.acceptedInvalid.push("comment: accepted without exactly one new comment");
        if (!newest.body.trim() || newest.body.length > 10_000) stats.acceptedInvalid.push(`comment: stored an empty or oversized body (${newest.body.length})`);
        if ((newest.path ?? "").length > 200) stats.acceptedInvalid.push("comment: stored an oversized path");
        if (newest.report_id !== report) stats.acceptedInvalid.push("comment: stored on another report");
        if (newest.reply_to && newest.reply_to !== valid) stats.acceptedInvalid.push("comment: answer to a comment of another report");
      }
    }
  }, 300_000);

  it("bulk approve with hostile `reports` JSON", async () => {
    const item = fc.record({ id: fc.oneof(fc.constantFrom(ids.review, ids.hejiangSubmitted, ids.draft, "x".repeat(41)), evilString({ huge: false })), version: fc.oneof(fc.integer({ min: -5, max: 10 }), evilJsonValue({ huge: false })) });
    const arb = fc.oneof(
      { weight: 3, arbitrary: fc.array(item, { maxLength: 5 }).map((a) => JSON.stringify(a)) },
      { weight: 1, arbitrary: fc.array(item, { minLength: 201, maxLength: 210 }).map((a) => JSON.stringify(a)) },
      { weight: 2, arbitrary: evilString() },
      { weight: 1, arbitrary: fc.constantFrom("", "[", "{}", "null", "[null]", "[{}]", "[[1]]", "{\"__proto__\":[]}", "[".repeat(100_000), "1e999") },
    );
    for (const reports of sample(fc.record({ reports: arb, intent: fc.constantFrom("approveMany", "approveMany", "approveMany", "approve", "") }), RUNS.bulk, 20235)) {
      const statusBefore = await t.db.selectFrom("reports").select(["id", "status"]).where("id", "in", [ids.hejiangSubmitted, ids.draft]).execute();
      const out = await send("review.approveMany", reviewRoute.action, post("/review?index", "luxian_reviewer", reports), { acceptedWhen: (s, d) => s < 400 && (d?.approved ?? 0) > 0 });
      const statusAfter = await t.db.selectFrom("reports").select(["id", "status"]).where("id", "in", [ids.hejiangSubmitted, ids.draft]).execute();
      if (JSON.stringify(statusBefore) !== JSON.stringify(statusAfter)) stats.acceptedInvalid.push("approveMany: changed a report of another county or a draft");
      void out;
    }
  }, 300_000);

  it("starting a report with hostile unit ids and years", async () => {
    const arb = fc.record({ unitId: fc.oneof(fc.constant(seed.unitIds["泸县总工会"]), fc.constant(seed.unitIds["合江县总工会"]), evilString()), year: evilString(), intent: fc.constantFrom("start", "start", "START", ""), raw: maybeRaw() });
    for (const input of sample(arb, RUNS.start, 20236)) {
      const out = await send("unit.start", unitRoute.action, post("/unit?index", "zonggonghui", { intent: input.intent, unitId: input.unitId, year: input.year }, {}, input.raw ? { name: "year", bytes: input.raw } : undefined));
      if (out.accepted) {
        const made = await t.db.selectFrom("reports").select(["unit_id", "year"]).where("unit_id", "!=", seed.unitIds["泸县总工会"]).where("year", ">", 2023).execute();
        if (made.length) stats.acceptedInvalid.push("unit.start: created a report for another unit");
      }
    }
    const years = await t.db.selectFrom("reports").select("year").where("unit_id", "=", seed.unitIds["泸县总工会"]).execute();
    for (const y of years) if (Number(y.year) < 2000 || Number(y.year) > 2100) stats.acceptedInvalid.push(`unit.start: stored year ${y.year}`);
  }, 300_000);

  it("admin forms: new units, new users, user changes, campaigns", async () => {
    const kinds = ["department", "institution", "group", "township"];
    for (const input of sample(fc.record({ countyId: fc.oneof(fc.constant(seed.luxianId), fc.constant(seed.hejiangId), evilString()), code: evilString(), name: evilString(), kind: fc.oneof(fc.constantFrom(...kinds), evilString()), parentId: fc.option(fc.oneof(fc.constant(seed.unitIds["泸县总工会"]), fc.constant(seed.unitIds["合江县总工会"]), evilString()), { nil: undefined }), raw: maybeRaw() }), RUNS.unitsNew, 20237)) {
      const fields: Fields = { countyId: input.countyId, code: input.code, name: input.name, kind: input.kind };
      if (input.parentId !== undefined) fields.parentId = input.parentId;
      const before = await t.db.selectFrom("units").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
      const out = await send("admin.units.new", unitsNewRoute.action, post("/admin/units/new", "luxian_admin", fields, {}, input.raw ? { name: "name", bytes: input.raw } : undefined));
      if (out.accepted) {
        const unit = await t.db.selectFrom("units").select(["county_id", "code", "name", "parent_id"]).orderBy("created_at", "desc").orderBy("id", "desc").limit(1).executeTakeFirstOrThrow();
        const after = await t.db.selectFrom("units").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow();
        if (Number(after.n) !== Number(before.n) + 1) stats.acceptedInvalid.push("admin.units.new: accepted without one new unit");
        if (unit.county_id !== seed.luxianId) stats.acceptedInvalid.push("admin.units.new: unit in another county");
        if (!/^[0-9A-Za-z-]{1,32}$/.test(unit.code) || unit.name.trim().length < 2 || unit.name.length > 200) stats.acceptedInvalid.push(`admin.units.new: stored invalid code/name ${JSON.stringify([unit.code, unit.name.slice(0, 40)])}`);
      }
    }
    for (const input of sample(fc.record({ username: fc.oneof(fc.constant("ok_user"), evilString()), displayName: evilString(), role: fc.oneof(fc.constantFrom("staff", "reviewer", "leader", "admin"), evilString()), countyId: fc.oneof(fc.constant(seed.luxianId), fc.constant(seed.hejiangId), evilString()), unitId: fc.oneof(fc.constant(seed.unitIds["泸县民政局"]), fc.constant(seed.unitIds["合江县总工会"]), evilString()), password: fc.oneof(fc.constant("hostile password ok 1"), evilString()) }), RUNS.usersNew, 20238)) {
      const fields: Fields = { ...input, username: input.username === "ok_user" ? `ok_${stats.sent}` : input.username };
      const out = await send("admin.users.new", usersNewRoute.action, post("/admin/users/new", "luxian_admin", fields));
      if (out.accepted) {
        const user = await t.db.selectFrom("users").select(["id", "username", "display_name"]).orderBy("created_at", "desc").orderBy("id", "desc").limit(1).executeTakeFirstOrThrow();
        const grants = await t.db.selectFrom("memberships").select(["county_id", "unit_id"]).where("user_id", "=", user.id).execute();
        if (!USERNAME_PATTERN.test(user.username)) stats.acceptedInvalid.push(`admin.users.new: stored username ${user.username.slice(0, 30)}`);
        if (grants.some((g) => g.county_id !== seed.luxianId)) stats.acceptedInvalid.push("admin.users.new: grant in another county");
        if (input.password.length < 12 || input.password.length > 256) stats.acceptedInvalid.push("admin.users.new: accepted a password outside the policy");
      }
    }
    const victim = ids["user:hejiang_staff"];
    const luxianVictim = (await t.db.selectFrom("users").select("id").where("username", "=", "jiaotiju").executeTakeFirstOrThrow()).id;
    for (const input of sample(fc.record({ intent: fc.oneof(fc.constantFrom("disable", "enable", "resetPassword"), evilString()), newPassword: evilString(), target: fc.constantFrom(luxianVictim, victim, "x") }), RUNS.user, 20239)) {
      const out = await send("admin.users.$userId", userRoute.action, post(`/admin/users/${input.target}`, "luxian_admin", { intent: input.intent, newPassword: input.newPassword }, { userId: input.target }), { mayWrite: ["audit_log", "audit_head"] });
      if (out.accepted && input.target !== luxianVictim) stats.acceptedInvalid.push("admin.users.$userId: changed a user of another county");
      if (out.accepted && input.intent === "resetPassword" && (input.newPassword.length < 12 || input.newPassword.length > 256)) stats.acceptedInvalid.push("admin.users.$userId: reset to a password outside the policy");
    }
    await t.db.updateTable("users").set({ disabled: 0 }).where("id", "=", luxianVictim).execute();
    for (const input of sample(fc.record({ intent: fc.constantFrom("create", "create", "update", ""), countyId: fc.oneof(fc.constant(seed.luxianId), fc.constant(seed.hejiangId), evilString()), year: evilString(), deadline: evilString(), campaignId: fc.constant("lookup"), deviationPct: evilString(), executionPct: evilString(), bandExcellent: evilString(), bandGood: evilString(), bandFair: evilString(), overAchievedPct: evilString(), scoreJump: evilString(), outlierZ: evilString(), formulaSlack: evilString() }), RUNS.campaigns, 20240)) {
      const campaign = await t.db.selectFrom("campaigns").select("id").where("county_id", "=", seed.luxianId).where("year", "=", 2024).executeTakeFirstOrThrow();
      const fields: Fields = { ...input, campaignId: campaign.id };
      const out = await send("admin.campaigns", campaignsRoute.action, post("/admin/campaigns", "luxian_admin", fields));
      if (out.accepted) {
        const rows = await t.db.selectFrom("campaigns").select(["county_id", "year", "settings"]).execute();
        for (const r of rows) {
          if (Number(r.year) < 2000 || Number(r.year) > 2100) stats.acceptedInvalid.push(`admin.campaigns: stored year ${r.year}`);
          if (!ruleSettingsSchema.safeParse(JSON.parse(r.settings ?? "{}")).success) stats.acceptedInvalid.push("admin.campaigns: stored settings fail their schema");
        }
      }
    }
  }, 300_000);

  it("account, login: hostile passwords and names (failures are recorded, nothing else written)", async () => {
    for (const input of sample(fc.record({ currentPassword: fc.oneof(fc.constant(DEMO_PASSWORD), evilString()), newPassword: evilString(), confirm: fc.boolean() }), RUNS.account, 20241)) {
      const out = await send("account", accountRoute.action, post("/account", "hejiang_staff", { currentPassword: input.currentPassword, newPassword: input.newPassword, confirmPassword: input.confirm ? input.newPassword : `${input.newPassword}x` }), { mayWrite: ["sessions", "audit_log", "audit_head", "login_attempts"] });
      if (out.accepted) {
        stats.acceptedInvalid.push(input.newPassword.length >= 12 && input.newPassword.length <= 256 ? "" : "account: accepted a password outside the policy");
        // Put it back so the next runs start from the demo password.
        const hash = await import("~/auth/password.server").then((m) => m.hashPassword(DEMO_PASSWORD));
        await t.db.updateTable("users").set({ password_hash: hash }).where("id", "=", ids["user:hejiang_staff"]).execute();
      }
    }
    stats.acceptedInvalid = stats.acceptedInvalid.filter(Boolean);
    for (const input of sample(fc.record({ username: fc.oneof(fc.constantFrom("city_leader", "jiaotiju"), evilString()), password: evilString(), redirectTo: fc.option(evilString(), { nil: undefined }) }), RUNS.login, 20242)) {
      const fields: Fields = { username: input.username, password: input.password };
      if (input.redirectTo !== undefined) fields.redirectTo = input.redirectTo;
      const out = await send("login", loginRoute.action, post("/login", null, fields), { mayWrite: ["login_attempts", "audit_log", "audit_head", "sessions"] });
      if (out.accepted) {
        const location = out.result instanceof Response ? out.result.headers.get("Location") ?? "" : "";
        if (!location.startsWith("/") || location.startsWith("//") || location.startsWith("/\\")) stats.acceptedInvalid.push(`login: redirect off-site to ${location.slice(0, 60)}`);
      }
    }
  }, 300_000);

  it("report import: hostile accepted documents and pasted text", async () => {
    const doc = fc.oneof(
      { weight: 3, arbitrary: documentField(toFormDocument(fixedReference()) as FormDocument).map((s) => s) },
      { weight: 2, arbitrary: fc.array(fc.tuple(fc.constantFrom("income", "targets", "staffing", "narrative", "selfScore"), evilJsonValue()), { maxLength: 4 }).map((pairs) => JSON.stringify(Object.assign(fixedReference(), Object.fromEntries(pairs)))) },
      { weight: 1, arbitrary: fc.constant(JSON.stringify(fixedReference())) },
    );
    for (const input of sample(fc.record({ document: doc, sections: fc.oneof(fc.constantFrom("income,targets", "income", "staffing,narrative", "", "all"), evilString()), version: versionField(() => liveVersion) }), RUNS.accept, 20243)) {
      const status = (await t.db.selectFrom("reports").select("status").where("id", "=", ids.draft).executeTakeFirstOrThrow()).status;
      if (status !== "draft" && status !== "returned") await reopenForStaff(ids.draft);
      liveVersion = await currentVersion(ids.draft);
      const out = await send("report.import.accept", importRoute.action, post(`/reports/${ids.draft}/import`, "zonggonghui", { intent: "accept", version: input.version(), document: input.document, sections: input.sections }, { reportId: ids.draft }));
      if (out.accepted) await assertStoredDraftValid("report.import.accept", ids.draft);
    }
    for (const text of sample(fc.oneof(evilString(), fc.constant(FIXTURE), fc.nat().map((n) => FIXTURE.slice(0, n % FIXTURE.length)), fc.string({ unit: "binary", maxLength: 3000 })), RUNS.preview, 20244)) {
      const status = (await t.db.selectFrom("reports").select("status").where("id", "=", ids.draft).executeTakeFirstOrThrow()).status;
      if (status !== "draft" && status !== "returned") await reopenForStaff(ids.draft);
      // A preview never writes: accepted or not.
      const before = await probe();
      await send("report.import.preview", importRoute.action, post(`/reports/${ids.draft}/import`, "zonggonghui", { intent: "preview", text }, { reportId: ids.draft }), { acceptedWhen: () => false });
      if ((await probe()) !== before) stats.rejectedWithWrites.push("report.import.preview: a preview wrote to the database");
    }
  }, 300_000);

  it("bulk intake: hostile file ids, unit ids and files", async () => {
    for (const input of sample(fc.record({ fileId: evilString(), unitId: fc.oneof(fc.constant(seed.unitIds["泸县民政局"]), evilString()) }), RUNS.intake, 20245)) {
      await send("intake.resolve", intakeRoute.action, post("/intake", "luxian_reviewer", input));
    }
    const files = fc.record({
      countyId: fc.oneof(fc.constant(seed.luxianId), fc.constant(seed.hejiangId), evilString()),
      year: fc.oneof(fc.constant("2023"), evilString()),
      name: fc.oneof(fc.constantFrom("a.txt", "b.docx", "c.xlsx", "d.zip", `${IMG}.txt`, "../../etc/passwd.txt", ".txt", "x".repeat(300) + ".txt"), evilString()),
      bytes: fc.oneof(fc.uint8Array({ maxLength: 4000 }), fc.constant(new TextEncoder().encode(FIXTURE.replaceAll("泸县总工会", "查无此单位")))),
    });
    for (const input of sample(files, RUNS.upload, 20246)) {
      const form = new FormData();
      form.set("countyId", input.countyId);
      form.set("year", input.year);
      form.set("file", new File([input.bytes], input.name));
      const before = await t.db.selectFrom("received_files").select(["county_id"]).execute();
      const out = await send("intake.upload", intakeUploadRoute.action, post("/intake/upload", "luxian_reviewer", form), { mayWrite: ["received_files", "reports", "report_revisions", "report_flags", "report_metrics", "report_class_amounts", "audit_log", "audit_head"], acceptedWhen: (s) => s < 400 });
      const after = await t.db.selectFrom("received_files").select(["county_id"]).execute();
      if (after.slice(before.length).some((f) => f.county_id !== seed.luxianId) || after.some((f) => ![seed.luxianId, seed.hejiangId].includes(f.county_id))) stats.acceptedInvalid.push("intake.upload: a file was filed under another county");
      void out;
    }
  }, 300_000);

  it("sums up: ≥ 2000 payloads sent, no prototype pollution", () => {
    const polluted = ({} as Record<string, unknown>).polluted !== undefined || (Object.prototype as Record<string, unknown>).isAdmin !== undefined;
    figures.add("hostile payloads sent", stats.sent, { atLeast: 2000 });
    for (const [action, b] of Object.entries(stats.perAction)) figures.note(`${action}: ${b.sent} sent, ${b.accepted} accepted, ${b.rejected} rejected`);
    figures.add("actions attacked", Object.keys(stats.perAction).length);
    figures.add("accepted invalid documents / records", stats.acceptedInvalid.length, { equals: 0 });
    figures.add("submitted with errors or unexplained warnings", stats.submittedWithErrors.length, { equals: 0 });
    figures.add("5xx / thrown errors", stats.serverErrors.length, { equals: 0 });
    figures.add("rejected requests that changed the database", stats.rejectedWithWrites.length, { equals: 0 });
    figures.add("rejections verified by full checksum of every table", stats.fullChecksumVerifications);
    figures.add("rejections without a Chinese message", stats.notChinese.length, { equals: 0 });
    figures.add("409 conflicts answered with state only (client shows Chinese text)", stats.conflictsWithoutText);
    figures.add("tampered hidden intent answered in English", stats.hiddenFieldEnglish.length);
    figures.add("prototype pollution", polluted ? 1 : 0, { equals: 0 });
    const show = (name: string, list: string[]) => list.length && console.log(`${name} (${list.length}):\n  ${[...new Set(list)].slice(0, 15).join("\n  ")}`);
    show("accepted invalid", stats.acceptedInvalid);
    show("5xx", stats.serverErrors);
    show("rejected with writes", stats.rejectedWithWrites);
    show("not Chinese", stats.notChinese);
    expect(stats.sent).toBeGreaterThanOrEqual(2000);
    expect(polluted).toBe(false);
  });

  it("accepts no invalid document or record, and submits nothing with errors", () => {
    expect([...new Set(stats.acceptedInvalid)]).toEqual([]);
    expect(stats.submittedWithErrors).toEqual([]);
  });

  it("answers every malformed request with a 4xx, never a 5xx (bulk approve parses its JSON safely)", () => {
    expect([...new Set(stats.serverErrors)]).toEqual([]);
  });

  it("leaves every table unchanged when it refuses a request", () => {
    expect([...new Set(stats.rejectedWithWrites)]).toEqual([]);
  });

  it("says why in Chinese on every refusal (login with an over-long redirectTo included)", () => {
    expect([...new Set(stats.notChinese)]).toEqual([]);
  });
});

describe(`hostile input through the real server (${TEST_DIALECT})`, () => {
  let server: AppServer;

  it("starts the production server on the seeded database", async () => {
    await ensureBuildOnce();
    server = await startAppServer({ databaseUrl: t.url });
  }, 300_000);

  it("answers a 10 MB form with a clear Chinese 4xx and a 25 MB body with 413", async () => {
    const staff = new Browser(server.base);
    expect(await staff.login("zonggonghui", DEMO_PASSWORD)).toBe(302);
    const ten = "x".repeat(10 * 1024 * 1024);
    const version = await currentVersion(ids.draft);
    const results: Array<[string, number, boolean]> = [];
    const bigSave = await staff.action(`/reports/${ids.draft}`, { intent: "save", version: String(version), document: ten, explanations: "{}" }, { index: true });
    results.push(["10 MB report save (.data)", bigSave.status, CJK.test(JSON.stringify(bigSave.data))]);
    const bigPage = await staff.postForm(`/reports/${ids.draft}?index`, { intent: "save", version: String(version), document: ten, explanations: "{}" });
    results.push(["10 MB report save (document POST)", bigPage.status, CJK.test(bigPage.text ?? "")]);
    const bigLogin = await new Browser(server.base).postForm("/login", { username: ten, password: "x" });
    results.push(["10 MB login", bigLogin.status, CJK.test(bigLogin.text ?? "")]);
    const bigComment = await staff.action(`/reports/${ids.own22}`, { intent: "answer", replyTo: ids.ownComment, body: ten }, { index: true });
    results.push(["10 MB comment", bigComment.status, CJK.test(JSON.stringify(bigComment.data))]);
    const upload = new FormData();
    upload.set("intent", "preview");
    upload.set("file", new File([new Uint8Array(10 * 1024 * 1024)], "big.docx"));
    const bigUpload = await staff.request(`/reports/${ids.draft}/import.data`, { method: "POST", body: upload });
    results.push(["10 MB upload", bigUpload.status, CJK.test(await bigUpload.text())]);
    for (const [what, status, chinese] of results) {
      expect(status, what).toBeGreaterThanOrEqual(400);
      expect(status, what).toBeLessThan(500);
      expect(chinese, `${what}: a Chinese message`).toBe(true);
    }
    const huge = Buffer.alloc(25 * 1024 * 1024, 0x61);
    const withLength = await staff.request("/login", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: huge });
    const text = await withLength.text();
    expect(withLength.status).toBe(413);
    expect(text).toContain("提交的内容过大");
    // No Content-Length (chunked): counted as it streams.
    const chunks = (async function* () {
      for (let i = 0; i < 25; i++) yield new Uint8Array(1024 * 1024).fill(0x61);
    })();
    let chunkedStatus = 0;
    try {
      const chunked = await staff.request("/login", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: (ReadableStream as unknown as { from(it: AsyncIterable<Uint8Array>): ReadableStream }).from(chunks) as unknown as BodyInit, duplex: "half" } as RequestInit);
      chunkedStatus = chunked.status;
      await chunked.text();
    } catch {
      chunkedStatus = -1; // the server cut the upload off: also a refusal
    }
    expect([413, -1]).toContain(chunkedStatus);
    figures.add("10 MB bodies answered 4xx in Chinese", `${results.filter(([, s, c]) => s >= 400 && s < 500 && c).length}/${results.length}`);
    figures.add("25 MB body (Content-Length) status", withLength.status, { equals: 413 });
    figures.add("25 MB chunked body status", chunkedStatus === -1 ? "connection cut" : chunkedStatus);
    // The server is still healthy afterwards.
    expect((await staff.get("/healthz")).status).toBe(200);
  }, 120_000);

  it("renders stored hostile strings escaped on every page that shows them", async () => {
    // Hostile data in every place a page shows tenant text: a draft, a comment, a unit name with a counted report, a received file.
    const admin = new Browser(server.base);
    await admin.login("luxian_admin", DEMO_PASSWORD);
    const evilName = `${IMG}${SCRIPT}单位`;
    const created = await admin.action("/admin/units/new", { countyId: seed.luxianId, code: "EVIL-1", name: evilName, kind: "department" });
    expect([200, 202, 302]).toContain(created.status);
    const unit = await t.db.selectFrom("units").select(["id", "name", "kind"]).where("code", "=", "EVIL-1").executeTakeFirstOrThrow();
    expect(unit.name).toBe(evilName);
    const evilDoc = fixedReference();
    evilDoc.unit.name = evilName;
    evilDoc.targets.overallGoal = `${SCRIPT}目标`;
    evilDoc.targets.indicators[0].name = `${IMG}指标`;
    evilDoc.expenditure.lines[0].name = `${SCRIPT}科目`;
    evilDoc.narrative = { [`${IMG}标题`]: `${SCRIPT}正文` };
    await t.db.transaction().execute((trx) => insertReport(trx, { countyId: seed.luxianId, unit: { id: unit.id, name: unit.name, kind: unit.kind }, year: 2023, document: evilDoc, status: "submitted", source: "form" }, { userId: null, name: `${IMG}` }));
    const evilReport = (await t.db.selectFrom("reports").select("id").where("unit_id", "=", unit.id).executeTakeFirstOrThrow()).id;
    await addComment(t.db, { reportId: evilReport, countyId: seed.luxianId, revision: 1, path: `${SCRIPT}`, replyTo: null, body: `${SCRIPT}${IMG}意见`, side: "bureau" }, { userId: viewers.luxian_reviewer.userId, name: `${IMG}审核` });
    const staff = new Browser(server.base);
    await staff.login("zonggonghui", DEMO_PASSWORD);
    const form = toFormDocument(evilDoc);
    form.unit.name = "泸县总工会";
    await reopenForStaff(ids.draft);
    const saved = await staff.action(`/reports/${ids.draft}`, { intent: "save", version: String(await currentVersion(ids.draft)), document: JSON.stringify(form), explanations: JSON.stringify({ [`${SCRIPT}`]: `${IMG}` }) }, { index: true });
    expect(saved.status).toBe(200);
    const reviewer = new Browser(server.base);
    await reviewer.login("luxian_reviewer", DEMO_PASSWORD);
    const leader = new Browser(server.base);
    await leader.login("luxian_leader", DEMO_PASSWORD);
    const pages: Array<[Browser, string]> = [
      [staff, `/reports/${ids.draft}`], [staff, `/reports/${ids.draft}/print`], [staff, `/reports/${ids.draft}/history`], [staff, "/unit"],
      [reviewer, `/reports/${evilReport}`], [reviewer, `/reports/${evilReport}/print`], [reviewer, `/reports/${evilReport}/history`], [reviewer, "/review?status=all&year=2023"],
      [leader, "/dashboard?year=2023"], [leader, "/dashboard/units?year=2023"], [admin, "/admin"], [admin, "/admin/audit"], [reviewer, "/intake?year=2023"],
    ];
    let rawHits = 0;
    const hits: string[] = [];
    for (const [browser, path] of pages) {
      const page = await browser.get(path);
      expect(page.status, path).toBe(200);
      const html = page.text ?? "";
      for (const raw of [SCRIPT, IMG, "<script>alert", "<img src=x"]) {
        if (html.includes(raw)) {
          rawHits++;
          hits.push(`${path}: ${raw}`);
        }
      }
    }
    // The pages do show the text — escaped.
    const reviewerPage = (await reviewer.get(`/reports/${evilReport}`)).text ?? "";
    expect(reviewerPage).toMatch(/&lt;script&gt;|\\u003[cC]script/);
    figures.add("pages rendering stored hostile strings", pages.length);
    figures.add("raw <script>/<img> from data in rendered HTML", rawHits, { equals: 0 });
    expect(hits).toEqual([]);
  }, 120_000);

  afterAll(async () => {
    await server?.kill("SIGTERM");
  });
});

afterAll(() => {
  figures.write();
});
