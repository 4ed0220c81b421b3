/**
 * The authorization matrix: every loader and every action intent of every route module
 * (discovered from app/routes and app/root.tsx — a route or intent without a case here fails
 * the test), called with real Requests and real session cookies as anonymous, unit staff of
 * two units and two counties, reviewers, leaders (county and city) and an admin, on their own
 * tenant's objects, another unit's, another county's, nonexistent and junk ids, plus tampered
 * ids in form bodies. Figures: cases run, cross-tenant successes, existence leaks (403/400
 * instead of 404), foreign rows in any loader response, denied requests that changed data,
 * successful writes without an audit row — written to .tmp/reliability/matrix-<dialect>.json.
 */
import { readFileSync } from "node:fs";
import { unzipSync, strFromU8 } from "fflate";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { afterAll, describe, expect, it } from "vitest";
import { createAccount } from "~/auth/accounts.server";
import { CHARTS } from "~/charts/registry";
import { toFormDocument } from "~/domain/formDocument";
import type { Viewer } from "~/domain/permissions";
import { emptyReport } from "~/domain/report";
import { addComment } from "~/models/comments.server";
import { intakeFile } from "~/models/intake.server";
import { loadViewer } from "~/models/users.server";
import { DEMO_PASSWORD, referenceDocument, seedDemo, type DemoSeed } from "../../../scripts/lib/seed";
import { FigureRecorder } from "../../../scripts/lib/reliability/figures";
import { discoverRouteFiles, type RouteFile } from "../../../scripts/lib/reliability/routes";
import { businessFingerprint } from "../../../scripts/lib/reliability/tables";
import { TEST_DIALECT, useTestDatabase } from "../support/db";
import { loginCookie } from "../support/requests";
// ——— project forms (issue 15) ———
import { emptyProjectEvaluation, type ProjectEvaluation } from "~/domain/projectEvaluation";
import { createProject, findVisibleProject, findVisibleUnit, receiveProjectForms, saveProject, transitionProject } from "~/models/projects.server";
import { lockCounty } from "~/models/reportWrites.server";
import { scopeOf } from "~/domain/permissions";

const t = useTestDatabase();
const figures = new FigureRecorder("matrix", TEST_DIALECT);
const BASE = "http://localhost:3000";
const FIXTURE = readFileSync(new URL("../../fixtures/luxian-trade-union-2023.txt", import.meta.url), "utf8");

// ——— the app's routes ————————————————————————————————————————————————————————————————

const ROUTES: RouteFile[] = discoverRouteFiles();
type RouteModule = { loader?: (args: LoaderFunctionArgs) => Promise<unknown>; action?: (args: ActionFunctionArgs) => Promise<unknown> };
const MODULES: Record<string, RouteModule> = Object.fromEntries(
  await Promise.all(ROUTES.map(async (r) => [r.id, (await import(/* @vite-ignore */ r.file)) as RouteModule] as const)),
);

// ——— personas and objects ————————————————————————————————————————————————————————————

const PERSONAS = ["anon", "zonggonghui", "jiaotiju", "hejiang_staff", "luxian_reviewer", "hejiang_reviewer", "luxian_leader", "city_leader", "luxian_admin"] as const;
type Persona = (typeof PERSONAS)[number];

interface World {
  seed: DemoSeed;
  viewers: Record<string, Viewer>;
  cookies: Record<string, string>;
  userIds: Record<string, string>;
  /** Report targets by name → id. */
  reports: Record<string, string>;
  /** A bureau comment per non-draft report target. */
  comments: Record<string, string>;
  pendingFiles: { luxian: string; hejiang: string };
  campaigns: { luxian: string; hejiang: string };
  /** Project form targets by name → id. */
  projects: Record<string, string>;
}
let w: World;

interface ReportRow {
  id: string;
  unit_id: string;
  county_id: string;
  status: string;
  version: number;
  year: number;
}

async function reportRow(id: string): Promise<ReportRow | null> {
  const r = await t.db.selectFrom("reports").select(["id", "unit_id", "county_id", "status", "version", "year"]).where("id", "=", id).executeTakeFirst();
  return r ? { ...r, version: Number(r.version), year: Number(r.year) } : null;
}

// ——— what each persona may do (the specification, from docs/domain.md's role table) ——————————

function grants(p: Persona) {
  const v = p === "anon" ? null : w.viewers[p];
  const pick = (role: string, key: "countyId" | "unitId") => (v?.grants ?? []).filter((g) => g.role === role).map((g) => g[key]!).filter(Boolean);
  return { staff: pick("staff", "unitId"), reviewer: pick("reviewer", "countyId"), leader: pick("leader", "countyId"), admin: pick("admin", "countyId") };
}

/** Staff see their unit's reports; reviewers and admins their county's from submission on; leaders submitted and approved ones. */
function canView(p: Persona, r: ReportRow | null): boolean {
  if (!r || p === "anon") return false;
  const g = grants(p);
  return (
    g.staff.includes(r.unit_id) ||
    ((g.reviewer.includes(r.county_id) || g.admin.includes(r.county_id)) && r.status !== "draft") ||
    (g.leader.includes(r.county_id) && (r.status === "submitted" || r.status === "approved"))
  );
}
const isStaffOf = (p: Persona, r: ReportRow | null) => !!r && p !== "anon" && grants(p).staff.includes(r.unit_id);
const isReviewerOf = (p: Persona, r: ReportRow | null) => !!r && p !== "anon" && grants(p).reviewer.includes(r.county_id);
const hasRole = (p: Persona, ...roles: Array<"staff" | "reviewer" | "leader" | "admin">) => p !== "anon" && roles.some((role) => grants(p)[role].length > 0);

// ——— cases ——————————————————————————————————————————————————————————————————————————

/** ok: 2xx or a redirect elsewhere; login: redirect to /login; hidden: 404; forbidden: 403; rejected: other 4xx. */
type Outcome = "ok" | "login" | "hidden" | "forbidden" | "rejected" | "error";
/** allowed: authorized (ok, or rejected for a business reason); deny: hidden or forbidden. */
type Expect = "ok" | "allowed" | "login" | "hidden" | "deny";

interface Case {
  route: string;
  kind: "loader" | "action";
  intent?: string;
  persona: Persona;
  target: string;
  /** Computed just before the call, from the current state. */
  expect: () => Promise<Expect> | Expect;
  args: () => Promise<LoaderFunctionArgs | ActionFunctionArgs> | LoaderFunctionArgs | ActionFunctionArgs;
  /** Extra outcome check; returns a problem or null. */
  check?: (result: unknown, outcome: Outcome) => Promise<string | null> | string | null;
  /** Also accept a 404 when allowed (resolving an already resolved comment). */
  allow404?: boolean;
}

let addressCounter = 0;
const cookieOf = (p: Persona) => (p === "anon" ? undefined : w.cookies[p]);

function getArgs(path: string, persona: Persona, params: Record<string, string> = {}): LoaderFunctionArgs {
  const cookie = cookieOf(persona);
  return { request: new Request(BASE + path, { headers: cookie ? { Cookie: cookie } : {} }), params, context: { address: "10.77.0.1" } } as LoaderFunctionArgs;
}

function postArgs(path: string, persona: Persona, body: Record<string, string> | FormData, params: Record<string, string> = {}, cookie = cookieOf(persona)): ActionFunctionArgs {
  const headers: Record<string, string> = { Origin: BASE };
  if (cookie) headers.Cookie = cookie;
  let payload: BodyInit;
  if (body instanceof FormData) payload = body;
  else {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    payload = new URLSearchParams(body).toString();
  }
  // A fresh address per request: login throttling must not mix into the matrix.
  const address = `10.78.${Math.floor(addressCounter / 250) % 250}.${addressCounter++ % 250}`;
  return { request: new Request(BASE + path, { method: "POST", headers, body: payload }), params, context: { address } } as ActionFunctionArgs;
}

function statusOf(result: unknown): number {
  if (result instanceof Response) return result.status;
  if (result && typeof result === "object" && "init" in result) return (result as { init?: { status?: number } }).init?.status ?? 200;
  return 200;
}

function classify(result: unknown, thrown: unknown): Outcome {
  if (thrown !== undefined) return "error";
  const status = statusOf(result);
  if (status >= 300 && status < 400) {
    const location = result instanceof Response ? result.headers.get("Location") ?? "" : "";
    return location.startsWith("/login") ? "login" : "ok";
  }
  if (status < 300) return "ok";
  if (status === 404) return "hidden";
  if (status === 403) return "forbidden";
  if (status >= 500) return "error";
  return "rejected";
}

const dataOf = (result: unknown): any => (result && typeof result === "object" && "init" in result ? (result as unknown as { data: unknown }).data : result);

/** Everything a response carries, as text (xlsx unzipped) for the foreign-row scan. */
async function responseText(result: unknown): Promise<string> {
  if (result instanceof Response) {
    const type = result.headers.get("Content-Type") ?? "";
    const bytes = new Uint8Array(await result.clone().arrayBuffer());
    if (type.includes("spreadsheetml")) {
      return Object.values(unzipSync(bytes)).map((b) => strFromU8(b)).join("\n");
    }
    return new TextDecoder().decode(bytes);
  }
  return JSON.stringify(dataOf(result) ?? null);
}

// ——— foreign tokens: what must never appear in a persona's loader responses ——————————————

let foreignCache: Record<string, string[]> = {};

async function refreshForeign() {
  const units = await t.db.selectFrom("units").select(["id", "county_id", "name"]).execute();
  const reports = await t.db.selectFrom("reports").select(["id", "unit_id", "county_id", "status"]).execute();
  const memberships = await t.db.selectFrom("memberships").select(["user_id", "county_id"]).execute();
  const counties = { luxian: w.seed.luxianId, hejiang: w.seed.hejiangId };
  const countyTokens = (countyId: string) => [
    countyId,
    ...units.filter((u) => u.county_id === countyId).map((u) => u.id),
    ...reports.filter((r) => r.county_id === countyId).map((r) => r.id),
    ...memberships.filter((m) => m.county_id === countyId).map((m) => m.user_id).filter((id) => !memberships.some((m) => m.user_id === id && m.county_id !== countyId)),
  ];
  const other = (p: Persona): string[] => {
    const g = grants(p);
    const mine = new Set([...g.reviewer, ...g.leader, ...g.admin, ...units.filter((u) => g.staff.includes(u.id)).map((u) => u.county_id)]);
    const tokens: string[] = [];
    if (!mine.has(counties.hejiang)) tokens.push(...countyTokens(counties.hejiang), "合江");
    if (!mine.has(counties.luxian)) tokens.push(...countyTokens(counties.luxian), "泸县");
    if (g.staff.length) {
      // Staff: no other unit, no other unit's report.
      tokens.push(...units.filter((u) => !g.staff.includes(u.id)).map((u) => u.id));
      tokens.push(...reports.filter((r) => !g.staff.includes(r.unit_id)).map((r) => r.id));
    }
    // The bureau never learns a draft's id; leaders not a returned one's either.
    const bureau = [...g.reviewer, ...g.admin];
    tokens.push(...reports.filter((r) => r.status === "draft" && [...bureau, ...g.leader].includes(r.county_id) && !g.staff.includes(r.unit_id)).map((r) => r.id));
    tokens.push(...reports.filter((r) => r.status === "returned" && g.leader.includes(r.county_id) && !bureau.includes(r.county_id)).map((r) => r.id));
    return [...new Set(tokens)];
  };
  foreignCache = Object.fromEntries(PERSONAS.filter((p) => p !== "anon").map((p) => [p, other(p)]));
  figureCache = {};
}

// ——— other units' figures: what a staff persona's loader responses must never carry ————————
// Beyond ids, staff must not receive another unit's numbers through a side door (a county sample
// in the rule context, an info flag quoting peers, a chart): every specific figure of every other
// unit's report — its amounts, its execution rate and deviation, its self score, its unit's
// name — minus whatever the persona's own data also holds, is looked for in each response.

interface FigureMarkers {
  names: string[];
  numbers: Set<string>;
}
let figureCache: Record<string, FigureMarkers> = {};

/** A number specific enough to be a marker: 6+ characters (1234.56, 0.963412, 57565000). */
const specific = (value: unknown): string | null => {
  if (value == null || value === "") return null;
  const text = String(value).replace(/^-/, "");
  return /^\d+(\.\d+)?$/.test(text) && text.replace(".", "").replace(/^0+/, "").length >= 5 && text.length >= 6 ? text : null;
};
/** Every number in a text, as the maximal runs a reader would see (not digits inside an id). */
const numbersIn = (text: string) => text.match(/(?<![A-Za-z0-9.])\d+(?:\.\d+)?(?![A-Za-z0-9])/g) ?? [];

async function figureMarkers(p: Persona): Promise<FigureMarkers> {
  if (figureCache[p]) return figureCache[p];
  const own = new Set(grants(p).staff);
  const units = await t.db.selectFrom("units").select(["id", "name"]).execute();
  const reports = await t.db.selectFrom("reports").select(["id", "unit_id", "draft", "explanations"]).execute();
  const revisions = await t.db.selectFrom("report_revisions").select(["report_id", "document", "explanations"]).execute();
  const metrics = await t.db.selectFrom("report_metrics").select(["report_id", "unit_id", "execution_rate", "deviation", "self_score", "expenditure_fen", "initial_budget_fen", "adjusted_budget_fen"]).execute();
  const flags = await t.db.selectFrom("report_flags").select(["report_id", "severity", "message", "flag_values"]).where("severity", "!=", "info").execute();
  const comments = await t.db.selectFrom("comments").select(["report_id", "body"]).execute();
  const ownReports = new Set(reports.filter((r) => own.has(r.unit_id)).map((r) => r.id));
  // What the persona legitimately holds: its units' names and reports, their revisions, the flags and comments it is shown.
  const baseline = [
    ...units.filter((u) => own.has(u.id)).map((u) => u.name),
    ...reports.filter((r) => ownReports.has(r.id)).flatMap((r) => [r.draft, r.explanations ?? ""]),
    ...revisions.filter((r) => ownReports.has(r.report_id)).flatMap((r) => [r.document, r.explanations ?? ""]),
    ...flags.filter((f) => ownReports.has(f.report_id)).flatMap((f) => [f.message, f.flag_values ?? ""]),
    ...comments.filter((c) => ownReports.has(c.report_id)).map((c) => c.body),
  ].join("\n");
  const baselineNumbers = new Set(numbersIn(baseline));
  const numbers = new Set<string>();
  const documentFigures = (json: string) => {
    const d = JSON.parse(json);
    return [d.income?.initialBudget, d.income?.adjustedBudget, d.income?.total, d.expenditure?.total, d.carryover, d.selfScore, ...(d.expenditure?.lines ?? []).map((l: { final?: string }) => l.final)];
  };
  const foreignReports = new Set(reports.filter((r) => !own.has(r.unit_id)).map((r) => r.id));
  const candidates = [
    ...reports.filter((r) => foreignReports.has(r.id)).flatMap((r) => documentFigures(r.draft)),
    ...revisions.filter((r) => foreignReports.has(r.report_id)).flatMap((r) => documentFigures(r.document)),
    ...metrics.filter((m) => !own.has(m.unit_id)).flatMap((m) => [m.execution_rate, m.deviation, m.self_score, m.expenditure_fen, m.initial_budget_fen, m.adjusted_budget_fen]),
  ];
  for (const value of candidates) {
    const marker = specific(value);
    if (marker && !baselineNumbers.has(marker)) numbers.add(marker);
  }
  const names = units.filter((u) => !own.has(u.id) && u.name.length >= 4 && !baseline.includes(u.name)).map((u) => u.name);
  figureCache[p] = { names, numbers };
  return figureCache[p];
}

/** The first other unit's figure or name in a staff persona's response, or null. */
async function foreignFigure(p: Persona, text: string): Promise<string | null> {
  const markers = await figureMarkers(p);
  const name = markers.names.find((n) => text.includes(n));
  if (name) return name;
  return numbersIn(text).find((n) => markers.numbers.has(n.replace(/^-/, ""))) ?? null;
}

// ——— the table of cases, per route ————————————————————————————————————————————————————

const REPORT_TARGETS = ["Lown23", "Lown22", "Jown22", "L_draft", "L_submitted", "L_returned", "L_approved", "Hown22", "H_draft", "H_submitted", "H_returned", "H_approved", "none", "junk"];
const NONEXISTENT = "0zzzzzzzzzzzzzzzzzzzzzzzzz";
const JUNK = "x' OR '1'='1 --/../%00";
const reportId = (target: string) => (target === "none" ? NONEXISTENT : target === "junk" ? JUNK : w.reports[target] ?? NONEXISTENT);

/** A valid form document for the report, with the unit and year tampered (the route must keep its own). */
async function tamperedFormDocument(id: string): Promise<string> {
  const row = await t.db.selectFrom("reports").select("draft").where("id", "=", id).executeTakeFirst();
  const doc = row ? JSON.parse(row.draft) : emptyReport();
  const form = toFormDocument(doc);
  form.unit.name = "合江县总工会（篡改）";
  form.year = "2030";
  form.targets.overallGoal = `矩阵测试 ${Date.now()}`;
  return JSON.stringify(form);
}

type ReportOp = "view" | "import" | "save" | "submit" | "approve" | "return" | "reopen" | "comment" | "answer" | "resolve" | "accept" | "preview";

function reportExpect(op: ReportOp, p: Persona, r: ReportRow | null): Expect {
  if (p === "anon") return "login";
  if (!canView(p, r)) return "hidden";
  switch (op) {
    case "view":
      return "ok";
    case "import":
    case "accept":
    case "preview":
      // Only the unit's own staff import; everyone else is told the page does not exist.
      return isStaffOf(p, r) ? "allowed" : "hidden";
    case "save":
    case "submit":
      return isStaffOf(p, r) ? "allowed" : "deny";
    case "approve":
    case "return":
    case "reopen":
      return isReviewerOf(p, r) ? "allowed" : "deny";
    case "comment":
    case "answer":
    case "resolve":
      return isStaffOf(p, r) || isReviewerOf(p, r) ? "allowed" : "deny";
  }
}

async function reportBody(op: ReportOp, target: string, id: string): Promise<Record<string, string> | FormData> {
  const r = await reportRow(id);
  const version = String(r?.version ?? 1);
  switch (op) {
    case "save":
    case "submit":
      return { intent: op, version, document: await tamperedFormDocument(id), explanations: "{}" };
    case "approve":
      return { intent: op, version };
    case "return":
    case "reopen":
      return { intent: op, version, reason: "矩阵测试：请补充说明" };
    case "comment":
      return { intent: op, body: "矩阵测试批注", path: "selfScore" };
    case "answer":
      return { intent: op, body: "矩阵测试回复", replyTo: w.comments[target] ?? w.comments.L_submitted };
    case "resolve":
      return { intent: op, commentId: w.comments[target] ?? w.comments.L_submitted };
    case "accept": {
      const doc = referenceDocument();
      doc.unit = { name: "合江县总工会（篡改）" };
      return { intent: "accept", version, sections: "income,targets", document: JSON.stringify(doc) };
    }
    case "preview":
      return { intent: "preview", text: FIXTURE };
    default:
      return {};
  }
}

function reportCases(route: string, kind: "loader" | "action", op: ReportOp, path: (id: string) => string, intent?: string): Case[] {
  const cases: Case[] = [];
  for (const persona of PERSONAS) {
    for (const target of REPORT_TARGETS) {
      cases.push({
        route, kind, intent, persona, target,
        expect: async () => {
          const r = await reportRow(reportId(target));
          if (op === "import" && persona !== "anon" && canView(persona, r) && isStaffOf(persona, r)) {
            return r!.status === "draft" || r!.status === "returned" ? "ok" : "allowed";
          }
          return reportExpect(op, persona, r);
        },
        args: async () => {
          const id = reportId(target);
          if (kind === "loader") return getArgs(path(id), persona, { reportId: id });
          return postArgs(path(id), persona, await reportBody(op, target, id), { reportId: id });
        },
        allow404: op === "resolve",
        check: op === "save" ? saveKeepsOwner(reportId(target)) : undefined,
      });
    }
  }
  return cases;
}

/** A save that went through stored the report's own unit and year, not the tampered ones. */
function saveKeepsOwner(id: string) {
  return async (_result: unknown, outcome: Outcome) => {
    if (outcome !== "ok") return null;
    const row = await t.db.selectFrom("reports").innerJoin("units", "units.id", "reports.unit_id").select(["reports.draft", "reports.year", "units.name"]).where("reports.id", "=", id).executeTakeFirst();
    if (!row) return null;
    const doc = JSON.parse(row.draft);
    return doc.unit.name === row.name && doc.year === Number(row.year) ? null : `stored unit/year taken from the form: ${doc.unit.name} ${doc.year}`;
  };
}

/** Simple role-gated page or action: who is allowed, with what outcome. */
function roleCases(
  route: string,
  kind: "loader" | "action",
  allowed: (p: Persona) => Expect | null,
  body: (p: Persona) => Promise<Record<string, string> | FormData> | Record<string, string> | FormData = () => ({}),
  path?: string | (() => string),
  extra: Partial<Case> = {},
): Case[] {
  const defaultPath = "/" + route.replace(/^routes\//, "").replace(/\._index$|^_index$/, "").replace(/\./g, "/");
  const url = () => (typeof path === "function" ? path() : path ?? defaultPath);
  return PERSONAS.map((persona) => ({
    route, kind, persona, target: "-",
    expect: () => (persona === "anon" ? allowed(persona) ?? "login" : allowed(persona) ?? "deny"),
    args: async () => (kind === "loader" ? getArgs(url(), persona) : postArgs(url(), persona, await body(persona))),
    ...extra,
  }));
}

let uniq = 0;
const next = () => `${Date.now().toString(36)}${uniq++}`;

function adminUserCases(kind: "loader" | "action", intent?: "disable" | "enable" | "resetPassword"): Case[] {
  const route = "routes/admin.users.$userId";
  const targets = ["victimL", "self", "victimH", "cityLeader", "none"];
  const idOf = (target: string) => ({ victimL: w.userIds.matrix_victim_l, self: w.userIds.luxian_admin, victimH: w.userIds.matrix_victim_h, cityLeader: w.userIds.city_leader, none: NONEXISTENT })[target]!;
  const cases: Case[] = [];
  for (const persona of PERSONAS) {
    // Resetting one's own password here would end the admin's own matrix session.
    for (const target of targets.filter((x) => !(x === "self" && intent === "resetPassword"))) {
      cases.push({
        route, kind, intent, persona, target,
        expect: () => {
          if (persona === "anon") return "login";
          if (!hasRole(persona, "admin")) return "deny";
          if (target === "victimL" || target === "self") return target === "self" && intent === "disable" ? "allowed" : kind === "loader" ? "ok" : "allowed";
          return "hidden";
        },
        args: () => {
          const id = idOf(target);
          if (kind === "loader") return getArgs(`/admin/users/${id}`, persona, { userId: id });
          const body: Record<string, string> = { intent: intent! };
          if (intent === "resetPassword") body.newPassword = `matrix reset ${next()} password`;
          return postArgs(`/admin/users/${id}`, persona, body, { userId: id });
        },
      });
    }
  }
  return cases;
}

function dashboardCases(route: string, path: string, query: string): Case[] {
  const cases: Case[] = [];
  for (const county of ["", "own", "foreign"]) {
    for (const persona of PERSONAS) {
      cases.push({
        route, kind: "loader", persona, target: county || "-",
        expect: () => (persona === "anon" ? "login" : hasRole(persona, "leader", "reviewer", "admin") ? "ok" : "deny"),
        args: () => {
          const g = persona === "anon" ? null : grants(persona);
          const mine = g ? [...g.leader, ...g.reviewer, ...g.admin][0] : undefined;
          const countyId = county === "own" ? mine ?? w.seed.luxianId : county === "foreign" ? (mine === w.seed.hejiangId ? w.seed.luxianId : w.seed.hejiangId) : "";
          const q = new URLSearchParams(query);
          if (countyId) q.set("county", countyId);
          return getArgs(`${path}?${q}`, persona);
        },
      });
    }
  }
  return cases;
}

// ——— project forms ——————————————————————————————————————————————————————————————————————

const PROJECT_TARGETS = ["P_own_draft", "P_own_submitted", "P_L_draft", "P_L_submitted", "P_L_returned", "P_L_approved", "P_H_draft", "P_H_submitted", "none", "junk"];
const projectId = (target: string) => (target === "none" ? NONEXISTENT : target === "junk" ? JUNK : w.projects[target] ?? NONEXISTENT);

async function projectRow(id: string): Promise<ReportRow | null> {
  const r = await t.db.selectFrom("project_evaluations").select(["id", "unit_id", "county_id", "status", "version", "year"]).where("id", "=", id).executeTakeFirst();
  return r ? { ...r, version: Number(r.version), year: Number(r.year) } : null;
}

type ProjectOp = "view" | "save" | "submit" | "approve" | "return" | "reopen" | "delete";

/** A form follows its unit's report in who may do what (the same rules). */
function projectCases(op: ProjectOp): Case[] {
  const route = "routes/projects.$projectId";
  const cases: Case[] = [];
  for (const persona of PERSONAS) {
    for (const target of PROJECT_TARGETS) {
      cases.push({
        route, kind: op === "view" ? "loader" : "action", intent: op === "view" ? undefined : op, persona, target,
        expect: async () => {
          const r = await projectRow(projectId(target));
          if (op === "view") return persona === "anon" ? "login" : canView(persona, r) ? "ok" : "hidden";
          return reportExpect(op === "delete" ? "save" : op, persona, r);
        },
        args: async () => {
          const id = projectId(target);
          if (op === "view") return getArgs(`/projects/${encodeURIComponent(id)}`, persona, { projectId: id });
          const version = String((await projectRow(id))?.version ?? 1);
          const body: Record<string, string> = op === "save" || op === "submit"
            ? { intent: op, version, "project.name": `矩阵篡改 ${next()}`, "project.code": "", "project.kind": "recurring" }
            : { intent: op, version, reason: "矩阵测试：请补充说明" };
          return postArgs(`/projects/${encodeURIComponent(id)}`, persona, body, { projectId: id });
        },
      });
    }
  }
  return cases;
}

const UNIT_TARGETS = ["own", "L_other", "H_other", "none", "junk"];
function unitOf(target: string): string {
  return ({ own: w.seed.unitIds["泸县总工会"], L_other: w.seed.unitIds["泸县民政局"], H_other: w.seed.unitIds["合江县总工会"], none: NONEXISTENT, junk: JUNK } as Record<string, string>)[target];
}

/** The unit's project list: its staff and its county's bureau (every role) see it; only its staff add and import. */
function unitProjectCases(route: string, kind: "loader" | "action", op: "view" | "create" | "import" | "accept"): Case[] {
  const cases: Case[] = [];
  for (const persona of PERSONAS) {
    for (const target of UNIT_TARGETS) {
      cases.push({
        route, kind, persona, target, intent: kind === "action" ? (op === "create" ? "create" : "accept") : undefined,
        expect: async () => {
          if (persona === "anon") return "login";
          const unit = await t.db.selectFrom("units").select(["id", "county_id"]).where("id", "=", unitOf(target)).executeTakeFirst();
          const g = grants(persona);
          const staff = !!unit && g.staff.includes(unit.id);
          const bureau = !!unit && [...g.reviewer, ...g.admin, ...g.leader].includes(unit.county_id);
          if (op === "view") return staff || bureau ? "ok" : "hidden";
          if (op === "create") return staff ? "allowed" : bureau ? "deny" : "hidden";
          if (op === "import") return staff ? "ok" : "hidden";
          return staff ? "allowed" : "hidden";
        },
        args: () => {
          const unitId = unitOf(target);
          const path = `/units/${encodeURIComponent(unitId)}/projects${op === "import" || op === "accept" ? "/import" : ""}?year=2023`;
          if (kind === "loader") return getArgs(path, persona, { unitId });
          const body: Record<string, string> = op === "create"
            ? { intent: "create", year: "2023", name: `矩阵新增 ${next()}`, code: "", kind: "" }
            : { intent: "accept", year: "2023", fileName: "矩阵.txt", forms: JSON.stringify([matrixForm(`矩阵导入 ${next()}`, `MI-${next()}`)]), take: "0" };
          return postArgs(path, persona, body, { unitId });
        },
      });
    }
  }
  return cases;
}

function buildCases(): Record<string, Partial<Record<string, Case[]>>> {
  const staffOnly = (expect: Expect) => (p: Persona) => (hasRole(p, "staff") ? expect : null);
  const adminOnly = (expect: Expect) => (p: Persona) => (hasRole(p, "admin") ? expect : null);
  const reviewerOnly = (expect: Expect) => (p: Persona) => (hasRole(p, "reviewer") ? expect : null);
  const bureau = (expect: Expect) => (p: Persona) => (hasRole(p, "reviewer", "admin") ? expect : null);
  const anyone = (expect: Expect) => (p: Persona) => (p === "anon" ? null : expect);
  const report = (suffix: string) => (id: string) => `/reports/${encodeURIComponent(id)}${suffix}`;

  return {
    root: { loader: roleCases("root", "loader", () => "ok", undefined, "/") },
    "routes/_index": { loader: roleCases("routes/_index", "loader", anyone("ok"), undefined, "/") },
    "routes/account": {
      loader: roleCases("routes/account", "loader", anyone("ok")),
      action: roleCases("routes/account", "action", anyone("allowed"), () => ({ currentPassword: "not-my-password-at-all", newPassword: "matrix new password 1", confirmPassword: "matrix new password 1" })),
    },
    "routes/admin._index": { loader: roleCases("routes/admin._index", "loader", adminOnly("ok"), undefined, "/admin") },
    "routes/admin.audit": {
      loader: [
        ...roleCases("routes/admin.audit", "loader", adminOnly("ok"), undefined, "/admin/audit?verify=1"),
        // An entity of another county: the search finds nothing of it.
        ...roleCases("routes/admin.audit", "loader", adminOnly("ok"), undefined, () => `/admin/audit?entity=${w.reports.H_submitted ?? w.reports.Hown22}`, { target: "foreign-entity" }),
      ],
    },
    "routes/admin.campaigns": {
      loader: roleCases("routes/admin.campaigns", "loader", adminOnly("ok")),
      "action:create": [
        ...roleCases("routes/admin.campaigns", "action", adminOnly("ok"), () => ({ intent: "create", countyId: w.seed.luxianId, year: String(2030 + (uniq++ % 60)), deadline: "" }), undefined, { target: "own-county", intent: "create" }),
        ...roleCases("routes/admin.campaigns", "action", adminOnly("hidden"), () => ({ intent: "create", countyId: w.seed.hejiangId, year: "2099", deadline: "" }), undefined, { target: "foreign-county", intent: "create" }),
      ],
      "action:update": [
        ...roleCases("routes/admin.campaigns", "action", adminOnly("allowed"), () => campaignUpdate(w.campaigns.luxian), undefined, { target: "own-campaign", intent: "update" }),
        ...roleCases("routes/admin.campaigns", "action", adminOnly("hidden"), () => campaignUpdate(w.campaigns.hejiang), undefined, { target: "foreign-campaign", intent: "update" }),
      ],
    },
    "routes/admin.units.new": {
      loader: roleCases("routes/admin.units.new", "loader", adminOnly("ok")),
      action: [
        ...roleCases("routes/admin.units.new", "action", adminOnly("ok"), () => ({ countyId: w.seed.luxianId, code: `M${next()}`.slice(0, 30), name: "矩阵测试单位", kind: "department" }), undefined, { target: "own-county" }),
        ...roleCases("routes/admin.units.new", "action", adminOnly("hidden"), () => ({ countyId: w.seed.hejiangId, code: `M${next()}`.slice(0, 30), name: "伪造单位", kind: "department" }), undefined, { target: "foreign-county" }),
        ...roleCases("routes/admin.units.new", "action", adminOnly("allowed"), () => ({ countyId: w.seed.luxianId, code: `M${next()}`.slice(0, 30), name: "伪造下级单位", kind: "department", parentId: w.seed.unitIds["合江县总工会"] }), undefined, { target: "foreign-parent", check: noUnitNamed("伪造下级单位") }),
      ],
    },
    "routes/admin.users.$userId": {
      loader: adminUserCases("loader"),
      "action:disable": adminUserCases("action", "disable"),
      "action:enable": adminUserCases("action", "enable"),
      "action:resetPassword": adminUserCases("action", "resetPassword"),
    },
    "routes/admin.users.new": {
      loader: roleCases("routes/admin.users.new", "loader", adminOnly("ok")),
      action: [
        ...roleCases("routes/admin.users.new", "action", adminOnly("ok"), () => ({ username: `m_${next()}`, displayName: "矩阵", role: "staff", countyId: w.seed.luxianId, unitId: w.seed.unitIds["泸县民政局"], password: "matrix user password 1" }), undefined, { target: "own-county" }),
        ...roleCases("routes/admin.users.new", "action", adminOnly("hidden"), () => ({ username: `m_${next()}`, displayName: "伪造", role: "reviewer", countyId: w.seed.hejiangId, password: "matrix user password 1" }), undefined, { target: "foreign-county" }),
        ...roleCases("routes/admin.users.new", "action", adminOnly("allowed"), () => ({ username: `forged_${next()}`, displayName: "伪造", role: "staff", countyId: w.seed.luxianId, unitId: w.seed.unitIds["合江县总工会"], password: "matrix user password 1" }), undefined, { target: "foreign-unit", check: noForgedUser }),
      ],
    },
    "routes/dashboard._index": { loader: dashboardCases("routes/dashboard._index", "/dashboard", "") },
    "routes/dashboard.data": {
      loader: [
        ...dashboardCases("routes/dashboard.data", "/dashboard/data", `chart=${CHARTS[2].id}&format=csv`),
        ...dashboardCases("routes/dashboard.data", "/dashboard/data", `chart=${CHARTS[2].id}&format=xlsx`),
      ],
    },
    "routes/dashboard.units": { loader: dashboardCases("routes/dashboard.units", "/dashboard/units", "year=2023") },
    "routes/healthz": { loader: roleCases("routes/healthz", "loader", () => "ok") },
    "routes/intake": {
      loader: roleCases("routes/intake", "loader", bureau("ok"), undefined, "/intake?year=2023"),
      action: [
        // The other county's pending file, then one's own file with another county's unit: not found.
        ...roleCases("routes/intake", "action", bureau("hidden"), (p) => ({ fileId: foreignPending(p), unitId: ownUnit(p) }), undefined, { target: "foreign-file" }),
        ...roleCases("routes/intake", "action", bureau("hidden"), (p) => ({ fileId: ownPending(p), unitId: foreignUnit(p) }), undefined, { target: "foreign-unit" }),
        ...roleCases("routes/intake", "action", bureau("hidden"), () => ({ fileId: NONEXISTENT, unitId: NONEXISTENT }), undefined, { target: "none" }),
      ],
    },
    "routes/intake.upload": {
      action: [
        ...roleCases("routes/intake.upload", "action", bureau("hidden"), (p) => intakeUpload(foreignCounty(p)), undefined, { target: "foreign-county" }),
        ...roleCases("routes/intake.upload", "action", bureau("allowed"), (p) => intakeUpload(ownCounty(p)), undefined, { target: "own-county" }),
      ],
    },
    "routes/login": {
      loader: roleCases("routes/login", "loader", () => "ok"),
      action: roleCases("routes/login", "action", () => "allowed", () => ({ username: `nobody_${next()}`, password: "wrong password here" })),
    },
    "routes/logout": {
      loader: roleCases("routes/logout", "loader", () => "ok"),
      // Logging out redirects to the login page, signed in or not; each case uses a fresh session.
      action: PERSONAS.map((persona) => ({
        route: "routes/logout", kind: "action" as const, persona, target: "own-session",
        expect: () => "login" as Expect,
        args: async () => postArgs("/logout", persona, {}, {}, persona === "anon" ? undefined : await loginCookie(persona, DEMO_PASSWORD)),
      })),
    },
    "routes/no-access": { loader: roleCases("routes/no-access", "loader", anyone("ok")) },
    "routes/reports.$reportId._index": {
      loader: reportCases("routes/reports.$reportId._index", "loader", "view", report("")),
      ...Object.fromEntries((["save", "submit", "approve", "return", "reopen", "comment", "answer", "resolve"] as const).map((op) => [
        `action:${op}`, reportCases("routes/reports.$reportId._index", "action", op, (id) => `/reports/${encodeURIComponent(id)}?index`, op),
      ])),
      "tampered:commentIds": tamperedCommentCases(),
    },
    "routes/reports.$reportId.export[.json]": { loader: reportCases("routes/reports.$reportId.export[.json]", "loader", "view", report("/export.json")) },
    "routes/reports.$reportId.history": { loader: reportCases("routes/reports.$reportId.history", "loader", "view", report("/history")) },
    "routes/reports.$reportId.print": { loader: reportCases("routes/reports.$reportId.print", "loader", "view", report("/print")) },
    "routes/reports.$reportId.targets[.xlsx]": { loader: reportCases("routes/reports.$reportId.targets[.xlsx]", "loader", "view", report("/targets.xlsx")) },
    "routes/reports.$reportId.import": {
      loader: reportCases("routes/reports.$reportId.import", "loader", "import", report("/import")),
      "action:accept": reportCases("routes/reports.$reportId.import", "action", "accept", report("/import"), "accept"),
      "action:preview": reportCases("routes/reports.$reportId.import", "action", "preview", report("/import"), "preview"),
    },
    "routes/projects.$projectId": {
      loader: projectCases("view"),
      ...Object.fromEntries((["save", "submit", "return", "approve", "reopen", "delete"] as const).map((op) => [`action:${op}`, projectCases(op)])),
    },
    "routes/projects._index": { loader: roleCases("routes/projects._index", "loader", anyone("ok"), undefined, "/projects?year=2023") },
    "routes/projects.report.$reportId": { loader: reportCases("routes/projects.report.$reportId", "loader", "view", (id) => `/projects/report/${encodeURIComponent(id)}`) },
    "routes/units.$unitId.projects._index": {
      loader: unitProjectCases("routes/units.$unitId.projects._index", "loader", "view"),
      "action:create": unitProjectCases("routes/units.$unitId.projects._index", "action", "create"),
    },
    "routes/units.$unitId.projects.import": {
      loader: unitProjectCases("routes/units.$unitId.projects.import", "loader", "import"),
      "action:accept": unitProjectCases("routes/units.$unitId.projects.import", "action", "accept"),
    },
    "routes/review._index": {
      loader: roleCases("routes/review._index", "loader", reviewerOnly("ok"), undefined, "/review?status=all&year=2023"),
      "action:approveMany": [
        ...roleCases("routes/review._index", "action", reviewerOnly("allowed"), (p) => bulk(p, "foreign"), "/review?index", { target: "foreign-reports", intent: "approveMany", check: approvedNone }),
        ...roleCases("routes/review._index", "action", reviewerOnly("allowed"), (p) => bulk(p, "drafts"), "/review?index", { target: "own-drafts", intent: "approveMany", check: approvedNone }),
        ...roleCases("routes/review._index", "action", reviewerOnly("allowed"), () => ({ intent: "approveMany", reports: JSON.stringify([{ id: NONEXISTENT, version: 1 }, { id: JUNK, version: 1 }]) }), "/review?index", { target: "none", intent: "approveMany", check: approvedNone }),
      ],
    },
    "routes/unit._index": {
      loader: roleCases("routes/unit._index", "loader", staffOnly("ok"), undefined, "/unit"),
      "action:start": [
        ...roleCases("routes/unit._index", "action", staffOnly("ok"), (p) => ({ intent: "start", unitId: grants(p).staff[0] ?? NONEXISTENT, year: "2024" }), "/unit?index", { target: "own-unit", intent: "start" }),
        ...roleCases("routes/unit._index", "action", staffOnly("hidden"), (p) => ({ intent: "start", unitId: otherUnitSameCounty(p), year: "2024" }), "/unit?index", { target: "other-unit", intent: "start" }),
        ...roleCases("routes/unit._index", "action", staffOnly("hidden"), (p) => ({ intent: "start", unitId: foreignUnit(p), year: "2024" }), "/unit?index", { target: "foreign-unit", intent: "start" }),
        ...roleCases("routes/unit._index", "action", staffOnly("hidden"), () => ({ intent: "start", unitId: NONEXISTENT, year: "2024" }), "/unit?index", { target: "none", intent: "start" }),
      ],
    },
  };
}

/** Answer or resolve on one's own report, naming a comment of another unit's or county's report. */
function tamperedCommentCases(): Case[] {
  const cases: Case[] = [];
  const plan: Array<[Persona, string, string]> = [["luxian_reviewer", "L_approved", "tamperH"], ["zonggonghui", "Lown22", "tamperL"], ["hejiang_reviewer", "H_approved", "tamperL"], ["hejiang_staff", "Hown22", "tamperL"]];
  for (const [persona, target, foreign] of plan) {
    for (const intent of ["answer", "resolve"] as const) {
      cases.push({
        route: "routes/reports.$reportId._index", kind: "action", intent, persona, target: `${target} naming ${foreign}`,
        expect: () => "allowed", allow404: true,
        args: () => {
          const id = reportId(target);
          const body: Record<string, string> = intent === "answer" ? { intent, body: "篡改回复", replyTo: w.comments[foreign] } : { intent, commentId: w.comments[foreign] };
          return postArgs(`/reports/${id}?index`, persona, body, { reportId: id });
        },
        check: async (_result, outcome) => {
          if (outcome === "ok") return "a comment id from another report was accepted";
          const row = await t.db.selectFrom("comments").select("resolved").where("id", "=", w.comments[foreign]).executeTakeFirst();
          if (Number(row?.resolved) === 1) return "another report's comment was resolved";
          const answers = await t.db.selectFrom("comments").select("id").where("reply_to", "=", w.comments[foreign]).execute();
          return answers.length ? "an answer was attached to another report's comment" : null;
        },
      });
    }
  }
  return cases;
}

function campaignUpdate(campaignId: string) {
  return {
    campaignId, deadline: "2024-03-31", deviationPct: "10", executionPct: "90", overAchievedPct: "130", scoreJump: "15", outlierZ: "3", formulaSlack: "0.5",
    bandExcellent: "90", bandGood: "80", bandFair: "60",
  };
}
const ownCounty = (p: Persona) => (p === "anon" ? w.seed.luxianId : [...grants(p).reviewer, ...grants(p).admin, ...grants(p).leader][0] ?? w.seed.luxianId);
const foreignCounty = (p: Persona) => (ownCounty(p) === w.seed.hejiangId ? w.seed.luxianId : w.seed.hejiangId);
const ownPending = (p: Persona) => (ownCounty(p) === w.seed.hejiangId ? w.pendingFiles.hejiang : w.pendingFiles.luxian);
const foreignPending = (p: Persona) => (ownCounty(p) === w.seed.hejiangId ? w.pendingFiles.luxian : w.pendingFiles.hejiang);
const ownUnit = (p: Persona) => (ownCounty(p) === w.seed.hejiangId ? w.seed.unitIds["合江县农业农村局"] : w.seed.unitIds["泸县民政局"]);
function foreignUnit(p: Persona) {
  const staffUnit = p === "anon" ? undefined : grants(p).staff[0];
  const inHejiang = staffUnit ? Object.entries(w.seed.unitIds).find(([, id]) => id === staffUnit)![0].startsWith("合江") : ownCounty(p) === w.seed.hejiangId;
  return inHejiang ? w.seed.unitIds["泸县民政局"] : w.seed.unitIds["合江县农业农村局"];
}
function otherUnitSameCounty(p: Persona) {
  return foreignUnit(p) === w.seed.unitIds["泸县民政局"] ? w.seed.unitIds["合江县卫生健康局"] : w.seed.unitIds["泸县水务局"];
}

function intakeUpload(countyId: string): FormData {
  const form = new FormData();
  form.set("countyId", countyId);
  form.set("year", "2023");
  const text = countyId === w.seed.hejiangId ? FIXTURE.replaceAll("泸县总工会", "合江县交通运输局").replaceAll("泸县", "合江县") : FIXTURE.replaceAll("泸县总工会", "泸县水务局");
  form.set("file", new File([text], `matrix-${next()}.txt`, { type: "text/plain" }));
  return form;
}

/** Bulk approve of reports the reviewer must not reach, each at its true current version. */
async function bulk(p: Persona, kind: "foreign" | "drafts") {
  const hejiang = p !== "anon" && grants(p).reviewer.includes(w.seed.hejiangId);
  const keys = kind === "foreign" ? (hejiang ? ["L_submitted", "Lown22"] : ["H_submitted", "Hown22"]) : hejiang ? ["H_draft"] : ["L_draft", "Lown23"];
  const items = [];
  for (const key of keys.filter((k) => w.reports[k])) items.push({ id: w.reports[key], version: (await reportRow(w.reports[key]))!.version });
  return { intent: "approveMany", reports: JSON.stringify(items) };
}

async function approvedNone(result: unknown): Promise<string | null> {
  const d = dataOf(result);
  return d && typeof d.approved === "number" && d.approved > 0 ? `bulk approve approved ${d.approved} report(s) it must not reach` : null;
}

function noUnitNamed(name: string) {
  return async () => ((await t.db.selectFrom("units").select("id").where("name", "=", name).executeTakeFirst()) ? `a unit was created under another county's parent` : null);
}
async function noForgedUser() {
  return (await t.db.selectFrom("users").select("id").where("username", "like", "forged_%").executeTakeFirst()) ? "a staff account was created for another county's unit" : null;
}

// ——— setup ——————————————————————————————————————————————————————————————————————————

async function setUp(): Promise<World> {
  const seed = await seedDemo(t.db);
  const users = await t.db.selectFrom("users").select(["id", "username"]).execute();
  const userIds: Record<string, string> = Object.fromEntries(users.map((u) => [u.username, u.id]));
  for (const [username, county, unit] of [["matrix_victim_l", seed.luxianId, seed.unitIds["泸县民政局"]], ["matrix_victim_h", seed.hejiangId, seed.unitIds["合江县农业农村局"]]] as const) {
    const made = await createAccount(t.db, { username, displayName: "矩阵目标", password: DEMO_PASSWORD, grants: [{ role: "staff", countyId: county, unitId: unit }] }, null);
    if (!made.ok) throw new Error(JSON.stringify(made.errors));
    userIds[username] = made.userId;
  }
  const viewers: Record<string, Viewer> = {};
  const cookies: Record<string, string> = {};
  for (const p of PERSONAS) {
    if (p === "anon") continue;
    viewers[p] = (await loadViewer(t.db, userIds[p]))!;
    cookies[p] = await loginCookie(p, DEMO_PASSWORD);
  }
  const rows = await t.db.selectFrom("reports").select(["id", "unit_id", "county_id", "status", "year"]).orderBy("year", "desc").orderBy("id").execute();
  const reports: Record<string, string> = {};
  const byUnitYear = (unit: string, year: number) => rows.find((r) => r.unit_id === unit && Number(r.year) === year)?.id;
  reports.Lown23 = byUnitYear(seed.unitIds["泸县总工会"], 2023)!;
  reports.Lown22 = byUnitYear(seed.unitIds["泸县总工会"], 2022)!;
  reports.Jown22 = byUnitYear(seed.unitIds["泸县教育和体育局"], 2022)!;
  reports.Hown22 = byUnitYear(seed.unitIds["合江县总工会"], 2022)!;
  const mine = new Set([seed.unitIds["泸县总工会"], seed.unitIds["泸县教育和体育局"], seed.unitIds["合江县总工会"], seed.unitIds["泸县群团工作中心"]]);
  for (const [prefix, county] of [["L", seed.luxianId], ["H", seed.hejiangId]] as const) {
    for (const status of ["draft", "submitted", "returned", "approved"]) {
      const hit = rows.find((r) => r.county_id === county && r.status === status && !mine.has(r.unit_id));
      if (hit) reports[`${prefix}_${status}`] = hit.id;
    }
  }
  // A bureau comment on every non-draft target, from its county's reviewer.
  const comments: Record<string, string> = {};
  for (const [target, id] of Object.entries(reports)) {
    const r = rows.find((x) => x.id === id)!;
    if (r.status === "draft") continue;
    const reviewer = r.county_id === seed.luxianId ? viewers.luxian_reviewer : viewers.hejiang_reviewer;
    const made = await addComment(t.db, { reportId: id, countyId: r.county_id, revision: 1, path: "selfScore", replyTo: null, body: `矩阵测试意见 ${target}`, side: "bureau" }, { userId: reviewer.userId, name: reviewer.displayName, address: "10.0.0.1" });
    if (made.ok) comments[target] = made.id;
  }
  // Comments only the tampered-id cases point at (from another unit's or county's report).
  for (const [key, target] of [["tamperL", "L_submitted"], ["tamperH", "H_submitted"]] as const) {
    const id = reports[target] ?? (key === "tamperL" ? reports.Lown22 : reports.Hown22);
    const r = rows.find((x) => x.id === id)!;
    const reviewer = r.county_id === seed.luxianId ? viewers.luxian_reviewer : viewers.hejiang_reviewer;
    const made = await addComment(t.db, { reportId: id, countyId: r.county_id, revision: 1, path: null, replyTo: null, body: "只供篡改测试指向的意见", side: "bureau" }, { userId: reviewer.userId, name: reviewer.displayName, address: "10.0.0.1" });
    if (made.ok) comments[key] = made.id;
  }
  // A pending received file (unit name matching none) in each county.
  const pending = async (countyId: string, text: string) => {
    const outcome = await intakeFile(t.db, { countyId, year: 2023, fileName: "待确认.txt", bytes: new TextEncoder().encode(text) }, { userId: null, name: "矩阵测试" });
    return outcome.fileId!;
  };
  const pendingFiles = {
    luxian: await pending(seed.luxianId, FIXTURE.replaceAll("泸县总工会", "查无此单位")),
    hejiang: await pending(seed.hejiangId, FIXTURE.replaceAll("泸县总工会", "查无此单位").replaceAll("泸县", "合江县")),
  };
  const campaignRows = await t.db.selectFrom("campaigns").select(["id", "county_id", "year"]).where("year", "=", 2024).execute();
  const campaigns = { luxian: campaignRows.find((c) => c.county_id === seed.luxianId)!.id, hejiang: campaignRows.find((c) => c.county_id === seed.hejiangId)!.id };
  const projects = await setUpProjects(seed, viewers, userIds);
  return { seed, viewers, cookies, userIds, reports, comments, pendingFiles, campaigns, projects };
}

/** A project form that passes every rule (so it can be submitted). */
function matrixForm(name: string, code: string): ProjectEvaluation {
  return {
    ...emptyProjectEvaluation(),
    project: { code, name, kind: "recurring" },
    funds: { rows: [{ kind: "total", label: "总额", initialBudget: "12.3456", adjustedBudget: "12.3456", executed: "12.3456", statedRatePct: "100", weight: "10", score: "10", reason: null }] },
    goal: { planned: "矩阵目标", achieved: "已完成" },
    indicators: [{ level1: "产出指标", level2: "数量指标", name: "完成率", nature: "=", target: "100", unit: "%", weightPct: "90", actual: "100", score: "90", reason: null }],
    totalScore: "100", conclusion: "完成。", problems: "无。", improvements: "无。",
  };
}

/**
 * Project forms in every status: the persona units' own drafts and submitted forms, another
 * Luxian unit's draft, submitted, returned and approved forms, Hejiang's draft and submitted.
 */
async function setUpProjects(seed: DemoSeed, viewers: Record<string, Viewer>, userIds: Record<string, string>) {
  const projects: Record<string, string> = {};
  const actor = (v: Viewer) => ({ userId: v.userId, name: v.displayName, address: "10.0.0.1" });
  const staffOf = async (username: string) => viewers[username] ?? (await loadViewer(t.db, userIds[username]))!;
  const draft = async (username: string, unitName: string, code: string) => {
    const v = await staffOf(username);
    const unit = (await findVisibleUnit(t.db, v, seed.unitIds[unitName]))!;
    const made = await createProject(t.db, v, unit, 2023, { name: `矩阵项目${code}`, code, kind: "recurring" }, actor(v));
    if (!made.ok) throw new Error(made.message);
    return made.id;
  };
  const submit = async (username: string, id: string) => {
    const v = await staffOf(username);
    let p = (await findVisibleProject(t.db, scopeOf(v), id))!;
    await saveProject(t.db, p, { expectedVersion: p.version, document: matrixForm(p.document.project.name, p.document.project.code!), explanations: {} }, actor(v));
    p = (await findVisibleProject(t.db, scopeOf(v), id))!;
    const done = await transitionProject(t.db, p, { transition: "submit", expectedVersion: p.version, role: "staff" }, actor(v));
    if (!done.ok) throw new Error(done.message);
  };
  const review = async (county: "luxian" | "hejiang", id: string, transition: "return" | "approve") => {
    const v = viewers[`${county}_reviewer`];
    const p = (await findVisibleProject(t.db, scopeOf(v), id))!;
    await transitionProject(t.db, p, { transition, expectedVersion: p.version, role: "reviewer", reason: "矩阵测试" }, actor(v));
  };
  projects.P_own_draft = await draft("zonggonghui", "泸县总工会", "MO-1");
  projects.P_own_submitted = await draft("zonggonghui", "泸县总工会", "MO-2");
  await submit("zonggonghui", projects.P_own_submitted);
  projects.P_L_draft = await draft("matrix_victim_l", "泸县民政局", "ML-1");
  for (const [key, code] of [["P_L_submitted", "ML-2"], ["P_L_returned", "ML-3"], ["P_L_approved", "ML-4"]] as const) {
    projects[key] = await draft("matrix_victim_l", "泸县民政局", code);
    await submit("matrix_victim_l", projects[key]);
  }
  await review("luxian", projects.P_L_returned, "return");
  await review("luxian", projects.P_L_approved, "approve");
  projects.P_H_draft = await draft("hejiang_staff", "合江县总工会", "MH-1");
  // A form the Hejiang bureau received for a unit without an account.
  const [received] = await t.db.transaction().execute(async (trx) => {
    await lockCounty(trx, seed.hejiangId);
    return receiveProjectForms(trx, { countyId: seed.hejiangId, unit: { id: seed.unitIds["合江县农业农村局"], name: "合江县农业农村局" }, year: 2023, forms: [matrixForm("合江矩阵项目", "MH-2")], fileName: "合江.txt" }, actor(viewers.hejiang_reviewer));
  });
  projects.P_H_submitted = received.projectId!;
  return projects;
}

// ——— running ————————————————————————————————————————————————————————————————————————

interface Tally {
  cases: number;
  allowedCases: number;
  deniedCases: number;
  crossTenantSuccesses: string[];
  existenceLeaks: string[];
  unexpectedDenials: string[];
  errors: string[];
  foreignRows: string[];
  deniedMutations: string[];
  unauditedWrites: string[];
  unauditedDenials: string[];
  checkProblems: string[];
  routesCovered: Set<string>;
  /** Other units' figures or names in a staff persona's loader responses. */
  foreignFigures: string[];
  staffResponsesScanned: number;
  /** The report page for staff: a county sample in the rule context, or an info flag. */
  staffViewProblems: string[];
}

const tally: Tally = {
  cases: 0, allowedCases: 0, deniedCases: 0, crossTenantSuccesses: [], existenceLeaks: [], unexpectedDenials: [], errors: [], foreignRows: [],
  deniedMutations: [], unauditedWrites: [], unauditedDenials: [], checkProblems: [], routesCovered: new Set(),
  foreignFigures: [], staffResponsesScanned: 0, staffViewProblems: [],
};

const auditCount = async () => Number((await t.db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

async function runCase(c: Case) {
  const handler = c.kind === "loader" ? MODULES[c.route].loader! : MODULES[c.route].action!;
  const label = `${c.route} ${c.kind}${c.intent ? `:${c.intent}` : ""} as ${c.persona} on ${c.target}`;
  const expected = await c.expect();
  const args = await c.args();
  const before = c.kind === "action" ? await businessFingerprint(t.db) : "";
  const auditBefore = await auditCount();
  let result: unknown;
  let thrown: unknown;
  try {
    result = await handler(args as never);
  } catch (e) {
    if (e instanceof Response) result = e;
    else thrown = e;
  }
  const outcome = classify(result, thrown);
  const after = c.kind === "action" ? await businessFingerprint(t.db) : "";
  const audited = (await auditCount()) > auditBefore;
  const mutated = before !== after;
  tally.cases++;
  tally.routesCovered.add(`${c.route} ${c.kind}${c.intent ? `:${c.intent}` : ""}`);
  const denyExpected = expected === "hidden" || expected === "deny" || expected === "login";
  if (denyExpected) tally.deniedCases++;
  else tally.allowedCases++;

  if (outcome === "error") tally.errors.push(`${label}: ${thrown instanceof Error ? thrown.message : statusOf(result)}`);
  if (denyExpected) {
    if (outcome === "ok" || mutated) tally.crossTenantSuccesses.push(`${label}: ${outcome}${mutated ? " (data changed)" : ""}`);
    if (mutated) tally.deniedMutations.push(label);
    if (expected === "hidden" && outcome !== "hidden" && outcome !== "login") tally.existenceLeaks.push(`${label}: ${outcome} (${statusOf(result)}) instead of 404`);
    if (expected === "login" && outcome !== "login") tally.existenceLeaks.push(`${label}: ${outcome} instead of the login page`);
    if ((outcome === "hidden" || outcome === "forbidden") && !audited) tally.unauditedDenials.push(`${label}: ${statusOf(result)}`);
  } else {
    const fine = expected === "ok" ? outcome === "ok" : outcome === "ok" || outcome === "rejected" || (c.allow404 && outcome === "hidden");
    if (!fine) tally.unexpectedDenials.push(`${label}: expected ${expected}, got ${outcome} (${statusOf(result)}) ${JSON.stringify(dataOf(result))?.slice(0, 200)}`);
    if (mutated && !audited) tally.unauditedWrites.push(label);
  }
  if (c.check) {
    const problem = await c.check(result, outcome);
    if (problem) tally.checkProblems.push(`${label}: ${problem}`);
  }
  if (c.kind === "loader" && outcome === "ok" && c.persona !== "anon") {
    let text = await responseText(result);
    // What the request itself said (a county filter naming another county) may be echoed back.
    for (const value of new URL((args as LoaderFunctionArgs).request.url).searchParams.values()) if (value.length > 8) text = text.replaceAll(value, "");
    for (const token of foreignCache[c.persona] ?? []) {
      if (text.includes(token)) {
        tally.foreignRows.push(`${label}: contains ${token}`);
        break;
      }
    }
    if (grants(c.persona).staff.length) {
      tally.staffResponsesScanned++;
      const figure = await foreignFigure(c.persona, text);
      if (figure) tally.foreignFigures.push(`${label}: carries another unit's ${figure}`);
      if (c.route === "routes/reports.$reportId._index") {
        const view = dataOf(result) as { perspective?: string; ruleContext?: { county?: unknown }; flags?: Array<{ severity: string }> };
        if (view.perspective !== "staff") tally.staffViewProblems.push(`${label}: perspective ${view.perspective}`);
        if (view.ruleContext?.county !== null) tally.staffViewProblems.push(`${label}: ruleContext.county is not null`);
        if (view.flags?.some((f) => f.severity === "info")) tally.staffViewProblems.push(`${label}: carries info flags`);
      }
    }
  }
  if (mutated) await refreshForeign();
}

describe(`authorization matrix (${TEST_DIALECT})`, () => {
  let table: Record<string, Partial<Record<string, Case[]>>>;

  it("sets up the demo counties, personas, comments and pending files", async () => {
    w = await setUp();
    await refreshForeign();
    table = buildCases();
    expect(Object.keys(w.reports).length).toBeGreaterThanOrEqual(10);
  }, 120_000);

  it("would see another unit's figures: the reviewer's page of a submitted report carries the staff markers", async () => {
    const markers = await figureMarkers("zonggonghui");
    expect(markers.numbers.size).toBeGreaterThan(100);
    expect(markers.names.length).toBeGreaterThan(20);
    const id = w.reports.L_submitted;
    const page = await MODULES["routes/reports.$reportId._index"].loader!(getArgs(`/reports/${id}`, "luxian_reviewer", { reportId: id }));
    expect(await foreignFigure("zonggonghui", await responseText(page))).not.toBeNull();
  });

  it("has a case for every loader and action intent of every route module", () => {
    const missing: string[] = [];
    for (const route of ROUTES) {
      const mod = MODULES[route.id];
      const spec = table[route.id] ?? {};
      if (mod.loader && !spec.loader?.length) missing.push(`${route.id}: loader`);
      if (!mod.action) continue;
      if (route.intents.length) {
        for (const intent of route.intents) if (!spec[`action:${intent}`]?.length) missing.push(`${route.id}: action intent "${intent}"`);
      } else if (!spec.action?.length) missing.push(`${route.id}: action`);
    }
    const stale = Object.keys(table).filter((id) => !MODULES[id]);
    expect(missing, "route modules without matrix cases — add them to buildCases()").toEqual([]);
    expect(stale, "matrix cases for routes that no longer exist").toEqual([]);
  });

  it("runs every case: no cross-tenant success, no leak, no foreign row, every write and denial accounted for", async () => {
    const cases = Object.values(table).flatMap((spec) => Object.values(spec).flat()) as Case[];
    // Logout last: it is the only case that ends sessions (its own fresh ones).
    cases.sort((a, b) => Number(a.route === "routes/logout" && a.kind === "action") - Number(b.route === "routes/logout" && b.kind === "action"));
    for (const c of cases) await runCase(c);

    figures.add("cases run", tally.cases, { atLeast: 1000 });
    figures.add("route handlers covered (loader / action intent)", tally.routesCovered.size);
    figures.add("cases expected allowed", tally.allowedCases);
    figures.add("cases expected denied", tally.deniedCases);
    figures.add("cross-tenant successes", tally.crossTenantSuccesses.length, { equals: 0 });
    figures.add("foreign rows in loader responses", tally.foreignRows.length, { equals: 0 });
    figures.add("denied requests that changed data", tally.deniedMutations.length, { equals: 0 });
    figures.add("existence leaks (not 404 for another tenant)", tally.existenceLeaks.length, { equals: 0 });
    figures.add("successful writes without audit row", tally.unauditedWrites.length, { equals: 0 });
    figures.add("5xx / thrown errors", tally.errors.length, { equals: 0 });
    figures.add("wrongly refused (allowed cases denied)", tally.unexpectedDenials.length, { equals: 0 });
    figures.add("tampered-body checks failed", tally.checkProblems.length, { equals: 0 });
    figures.add("denials without audit row", tally.unauditedDenials.length, { equals: 0 });
    figures.add("staff loader responses scanned for other units' figures", tally.staffResponsesScanned, { atLeast: 40 });
    figures.add("other units' figures in staff loader responses", tally.foreignFigures.length, { equals: 0 });
    figures.add("staff report pages with a county sample or info flags", tally.staffViewProblems.length, { equals: 0 });
    for (const d of [...new Set(tally.unauditedDenials.map((s) => s.replace(/ as \S+ on \S+/, "")))].slice(0, 20)) figures.note(`unaudited denial: ${d}`);

    const details = { errors: tally.errors, crossTenantSuccesses: tally.crossTenantSuccesses, foreignRows: tally.foreignRows, existenceLeaks: tally.existenceLeaks, unexpectedDenials: tally.unexpectedDenials, checkProblems: tally.checkProblems, unauditedWrites: tally.unauditedWrites, foreignFigures: tally.foreignFigures, staffViewProblems: tally.staffViewProblems };
    for (const [k, v] of Object.entries(details)) if (v.length) console.log(`${k}:\n  ${v.slice(0, 30).join("\n  ")}`);
    expect(tally.errors).toEqual([]);
    expect(tally.crossTenantSuccesses).toEqual([]);
    expect(tally.foreignRows).toEqual([]);
    expect(tally.existenceLeaks).toEqual([]);
    expect(tally.unexpectedDenials).toEqual([]);
    expect(tally.checkProblems).toEqual([]);
    expect(tally.unauditedWrites).toEqual([]);
    expect(tally.cases).toBeGreaterThan(1000);
    expect(tally.foreignFigures).toEqual([]);
    expect(tally.staffViewProblems).toEqual([]);
    expect(tally.staffResponsesScanned).toBeGreaterThanOrEqual(40);
  }, 600_000);

  // DESIGN.md: "Every state change, comment, login (success and failure), permission denial and
  // admin change writes an audit row". The guard's 403/404 do; a route's own refusal must too.
  it("records every permission denial in the audit log", () => {
    expect([...new Set(tally.unauditedDenials.map((s) => s.replace(/ as \S+ on .*$/, "")))]).toEqual([]);
  });
});

afterAll(() => {
  figures.write();
});
