/**
 * The synthetic province, planned in memory and deterministic for a seed: counties with their
 * ~100 units, accounts, campaigns with deadlines, and for every unit and year a report with
 * its whole history — documents (from scripts/lib/synthetic.ts, enriched to ~10 expenditure
 * lines and ~10 indicators), saves, submissions, returns, approvals, reopenings, comments and
 * answers, logins — each event with its time, actor and state. Nothing here touches the
 * database: scripts/lib/bulk.ts derives flags and metrics with the app's own pure functions
 * and writes the rows.
 *
 * Realism, per report: statuses like a county's (earlier years almost all approved; the last
 * year a few weeks after the deadline: drafts, submitted, returned, approved); ~20% of
 * reports received as files and imported by the bureau (those may arrive with errors and
 * unexplained warnings and get returned); units submitting through the form fix their errors
 * first (the workflow refuses otherwise) and explain their warnings; some units sloppier than
 * others, inconsistent in each of the ways the rules catch; ~20% submitted after the deadline.
 */
import type { ReportStatus } from "#db/schema";
import type { MembershipGrant } from "~/domain/permissions";
import type { Indicator, ReportDocument } from "~/domain/report";
import { checkReport, DEFAULT_RULE_SETTINGS, formulaScore, normalizeNature, type RuleSettings } from "~/domain/rules";
import { between, deadlineOf, int, pick, seededRandom, syntheticReport, type Inconsistency, type Random } from "../synthetic";
import {
  APPROVE_NOTES, countyNames, personName, REOPEN_REASONS, RETURN_REASONS, REVIEW_COMMENTS, unitTemplates, type UnitTemplate,
} from "./names";

export interface ProvinceOptions {
  counties: number;
  units: number;
  years: number;
  /** The latest campaign year (default 2024: five years are 2020–2024). */
  lastYear: number;
  seed: number;
}

export interface Person {
  userId: string | null;
  name: string;
  address: string | null;
}

export interface UserPlan {
  id: string;
  username: string;
  displayName: string;
  grants: MembershipGrant[];
  createdAt: number;
  address: string;
}

export interface UnitPlan {
  index: number;
  id: string;
  countyId: string;
  code: string;
  name: string;
  kind: string;
  parentId: string | null;
  createdAt: number;
  staff: UserPlan;
  /** Probability that a report of this unit is inconsistent in some way. */
  sloppiness: number;
}

export interface CountyPlan {
  index: number;
  id: string;
  code: string;
  name: string;
  createdAt: number;
  units: UnitPlan[];
  reviewer: UserPlan;
  leader: UserPlan;
  admin: UserPlan;
  /** Share of reports the bureau receives as files and imports (source "intake"). */
  intakeShare: number;
  /** The county's rule thresholds (a few counties differ from the defaults). */
  settingsOverride: Partial<RuleSettings>;
}

export interface ProvincePlan {
  options: ProvinceOptions;
  years: number[];
  counties: CountyPlan[];
  cityLeader: UserPlan;
  cityReviewer: UserPlan;
  /** Usernames are `${prefix}_…`. */
  prefix: string;
}

export interface CampaignPlan {
  id: string;
  countyId: string;
  year: number;
  deadline: number;
  settings: RuleSettings;
  createdAt: number;
}

export type ExplainPolicy = "none" | "some" | "all";

export interface PlannedDoc {
  document: ReportDocument;
}

export interface PlannedRevision {
  id: string;
  number: number;
  doc: number;
  explain: ExplainPolicy;
  submittedAt: number;
  by: Person;
  sourceFileName: string | null;
}

export interface PlannedComment {
  id: string;
  revision: number;
  kind: "comment" | "answer" | "return" | "approve" | "reopen";
  path: string | null;
  replyTo: string | null;
  author: Person;
  side: "unit" | "bureau";
  body: string;
  resolved: boolean;
  createdAt: number;
}

export type PlannedEvent =
  | { kind: "login"; at: number; actor: Person }
  | { kind: "create"; at: number; actor: Person }
  | { kind: "intake"; at: number; actor: Person; doc: number; file: string }
  | { kind: "save"; at: number; actor: Person; status: ReportStatus; version: number; doc: number; explain: ExplainPolicy; explainedNow: boolean }
  | { kind: "submit" | "return" | "approve" | "reopen"; at: number; actor: Person; from: ReportStatus; to: ReportStatus; version: number; revision: number; reason: string | null }
  | { kind: "comment" | "answer"; at: number; actor: Person; commentId: string; path: string | null; replyTo: string | null; length: number }
  | { kind: "resolve"; at: number; actor: Person; commentId: string };

export interface PlannedReport {
  id: string;
  county: CountyPlan;
  unit: UnitPlan;
  year: number;
  status: ReportStatus;
  source: "form" | "intake";
  version: number;
  currentRevision: number;
  createdAt: number;
  updatedAt: number;
  updatedBy: string | null;
  docs: PlannedDoc[];
  /** The working document: index into docs, with the explanations policy of the draft. */
  draft: number;
  draftExplain: ExplainPolicy;
  revisions: PlannedRevision[];
  comments: PlannedComment[];
  events: PlannedEvent[];
  /** Seed of this report's own random stream (explanation texts are drawn from it). */
  seed: number;
  /** Parts of the id maker for rows derived from this report (its flags). */
  idParts: number[];
}

const DAY = 86_400_000;

// ——— deterministic randomness and ids ——————————————————————————————————————————————

/** A 32-bit mix of integers (murmur3 finaliser): independent streams per county, unit, year. */
export function mix(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Ids shaped like db/codecs newId (9 base-36 time characters, then 22 more), with the event's
 * historical time and a counter hashed with the maker's parts (seed, kind, county, unit,
 * year…): the same seed gives the same ids, distinct parts never share a stream (96 hashed
 * bits per id), and ids of one batch sort together (inserts append to the primary-key index).
 */
export class IdMaker {
  private n = 0;
  constructor(private readonly parts: readonly number[]) {}
  at(at: number): string {
    const n = this.n++;
    const a = mix(...this.parts, n, 1), b = mix(...this.parts, n, 2), c = mix(...this.parts, n, 3);
    const word = (x: number) => x.toString(36).padStart(7, "0");
    return Math.max(0, Math.floor(at)).toString(36).padStart(9, "0") + word(a) + word(b) + word(c) + (((a ^ b ^ c) >>> 0) % 36).toString(36);
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

// ——— the province ————————————————————————————————————————————————————————————————

/** Reports on year Y are due at the end of March of Y+1 (China Standard Time), as in the demo. */
export { deadlineOf };
/** The dataset's "now" for the last year: a few weeks after its deadline. */
export const snapshotOf = (lastYear: number) => deadlineOf(lastYear) + 24 * DAY;

export function planProvince(options: ProvinceOptions): ProvincePlan {
  const { counties: countyCount, units: unitCount, years: yearCount, lastYear, seed } = options;
  if (countyCount < 1 || unitCount < 1 || yearCount < 1) throw new Error("counties, units and years must be ≥ 1");
  const rnd = seededRandom(mix(seed, 1));
  const ids = new IdMaker([seed, 1]);
  const prefix = `s${seed}`;
  const years = Array.from({ length: yearCount }, (_, i) => lastYear - yearCount + 1 + i);
  // Tenancy exists from before the first campaign.
  const setupAt = Date.UTC(years[0] + 1, 0, 3, 1, 0, 0);
  const names = countyNames(rnd, countyCount);
  const address = (county: number, host: number) => `10.${(county >> 8) & 255}.${county & 255}.${host % 250 + 2}`;
  const user = (username: string, displayName: string, grants: MembershipGrant[], at: number, addr: string): UserPlan => ({
    id: ids.at(at), username, displayName, grants, createdAt: at, address: addr,
  });

  const counties: CountyPlan[] = names.map((name, ci) => {
    const createdAt = setupAt + ci * 1000;
    const id = ids.at(createdAt);
    const short = name.replace(/[县区市]$/, "");
    const c = `${prefix}_c${pad(ci + 1, 3)}`;
    const templates = unitTemplates(rnd, unitCount);
    const byTemplate = new Map<string, string>();
    const units: UnitPlan[] = templates.map((t: UnitTemplate, ui) => {
      const at = createdAt + 10 + ui;
      const unitId = ids.at(at);
      const unitName = t.name.replaceAll("{c}", t.name.startsWith("共青团") || t.name.startsWith("中共") || t.name.startsWith("政协") ? short : name);
      byTemplate.set(t.name, unitId);
      const kindCode = { group: 1, department: 2, institution: 3, township: 4, other: 5 }[t.kind];
      const staffName = personName(rnd);
      return {
        index: ui, id: unitId, countyId: id, code: `${kindCode}${pad(ci + 1, 3)}${pad(ui + 1, 3)}`, name: unitName, kind: t.kind,
        parentId: null as string | null, createdAt: at, sloppiness: rnd() < 0.15 ? 0.6 : 0.2,
        staff: user(`${c}_u${pad(ui + 1, 3)}`, staffName, [{ role: "staff", countyId: id, unitId }], at + 50_000, address(ci, ui + 10)),
        parentTemplate: t.parent,
      } as UnitPlan & { parentTemplate?: string };
    });
    for (const u of units as Array<UnitPlan & { parentTemplate?: string }>) {
      if (u.parentTemplate) u.parentId = byTemplate.get(u.parentTemplate) ?? null;
      delete u.parentTemplate;
    }
    const grant = (role: "reviewer" | "leader" | "admin"): MembershipGrant[] => [{ role, countyId: id, unitId: null }];
    const r = rnd();
    return {
      index: ci, id, code: `S${seed}-${pad(ci + 1, 3)}`, name, createdAt, units,
      reviewer: user(`${c}_reviewer`, personName(rnd), grant("reviewer"), createdAt + 40_000, address(ci, 2)),
      leader: user(`${c}_leader`, personName(rnd), grant("leader"), createdAt + 40_001, address(ci, 3)),
      admin: user(`${c}_admin`, personName(rnd), grant("admin"), createdAt + 40_002, address(ci, 4)),
      intakeShare: r < 0.5 ? 0.1 : r < 0.85 ? 0.25 : 0.6,
      settingsOverride: rnd() < 0.1 ? { deviationPct: 15 } : rnd() < 0.05 ? { executionPct: 85 } : {},
    };
  });
  const cityAt = setupAt + countyCount * 1000 + 100_000;
  return {
    options, years, counties, prefix,
    cityLeader: user(`${prefix}_city_leader`, personName(rnd), counties.map((c) => ({ role: "leader", countyId: c.id, unitId: null })), cityAt, "10.255.0.2"),
    cityReviewer: user(`${prefix}_city_reviewer`, personName(rnd), counties.map((c) => ({ role: "reviewer", countyId: c.id, unitId: null })), cityAt + 1, "10.255.0.3"),
  };
}

export function campaignFor(plan: ProvincePlan, county: CountyPlan, year: number): CampaignPlan {
  const createdAt = Date.UTC(year + 1, 0, 5, 1, 0, 0) + county.index * 1000;
  return {
    id: new IdMaker([plan.options.seed, 2, county.index, year]).at(createdAt),
    countyId: county.id, year, deadline: deadlineOf(year), createdAt,
    settings: { ...DEFAULT_RULE_SETTINGS, ...county.settingsOverride } as RuleSettings,
  };
}

// ——— documents ————————————————————————————————————————————————————————————————————

/**
 * The ways a report can be inconsistent: synthetic.ts draws nine; the others are applied here
 * to a consistent report, so that every rule of docs/domain.md fires somewhere in the data set.
 */
type ExtraKind =
  | "staffSum" | "fundsSplit" | "carryover" | "missing"
  | "tableVsReport" | "lineRate" | "functionCode" | "projectsOver" | "gradeBand" | "selfGrade" | "overAchieved";
export type Kind = Inconsistency | ExtraKind;
const SYNTHETIC_KINDS: readonly Inconsistency[] = ["linesSum", "weights", "scoreRange", "totalScore", "staffQuota", "nature", "deviationUnexplained", "executionLow", "inflatedScore"];
/** Kinds that raise an error: a unit cannot submit them through the form. */
const ERROR_KINDS: readonly Kind[] = ["linesSum", "weights", "scoreRange", "totalScore", "staffSum", "fundsSplit", "carryover", "missing"];
const ALL_KINDS: readonly Kind[] = [
  ...SYNTHETIC_KINDS, "staffSum", "fundsSplit", "carryover", "missing", "tableVsReport", "lineRate", "functionCode", "projectsOver", "gradeBand", "selfGrade", "overAchieved",
];

const cents = (s: string | null) => (s == null ? 0 : Math.round(Number(s) * 100));
/** Hundredths of 万元 → the decimal string synthetic.ts writes ("12.3", "7"). */
function wan(c: number): string {
  const sign = c < 0 ? "-" : "";
  const abs = Math.abs(c);
  const whole = Math.floor(abs / 100), frac = abs % 100;
  return frac === 0 ? `${sign}${whole}` : `${sign}${whole}.${String(frac).padStart(2, "0").replace(/0$/, "")}`;
}

const EXTRA_INDICATORS: Array<[level1: string, level2: string, name: string, nature: "≥" | "≤" | "定性", unit: string | null]> = [
  ["产出指标", "数量指标", "培训人次", "≥", "人次"],
  ["产出指标", "数量指标", "开展专项活动次数", "≥", "次"],
  ["产出指标", "数量指标", "政策宣传覆盖户数", "≥", "户"],
  ["产出指标", "质量指标", "资金使用合规率", "≥", "%"],
  ["产出指标", "质量指标", "档案资料规范率", "≥", "%"],
  ["产出指标", "时效指标", "资金拨付及时率", "≥", "%"],
  ["产出指标", "时效指标", "投诉处理及时率", "≥", "%"],
  ["成本指标", "经济成本指标", "公用经费控制数", "≤", "万元"],
  ["成本指标", "经济成本指标", "“三公”经费控制数", "≤", "万元"],
  ["效益指标", "社会效益指标", "信息公开率", "≥", "%"],
  ["效益指标", "社会效益指标", "群众办事满意率", "≥", "%"],
  ["效益指标", "可持续影响指标", "制度建设完善程度", "定性", null],
  ["效益指标", "生态效益指标", "节能降耗目标完成情况", "定性", null],
  ["满意度指标", "服务对象满意度指标", "职工满意度", "≥", "%"],
  ["满意度指标", "服务对象满意度指标", "社会公众满意度", "≥", "%"],
];

/** An indicator whose score equals its weight because the target was met: its weight can be shared. */
function canDonate(ind: Indicator): boolean {
  const w = Number(ind.weightPct);
  if (!(w >= 2) || ind.score !== ind.weightPct) return false;
  const nature = normalizeNature(ind.nature);
  if (nature === "定性") return ind.actual === "优";
  if (nature !== "≥" && nature !== "≤") return false;
  const f = formulaScore(ind);
  return f != null && f.eq(w);
}

/** A new, met indicator taking `weight` points from a donor (sums and flags unchanged). */
function extraIndicator(rnd: Random, weight: number, n: number): Indicator {
  const [level1, level2, baseName, nature, unit] = EXTRA_INDICATORS[n % EXTRA_INDICATORS.length];
  const name = n < EXTRA_INDICATORS.length ? baseName : `${baseName}（${Math.floor(n / EXTRA_INDICATORS.length) + 1}）`;
  const w = String(weight);
  if (nature === "定性") return { level1, level2, name, nature, target: "优良中低差", unit, weightPct: w, actual: "优", score: w };
  if (nature === "≤") {
    const target = int(rnd, 5, 300);
    return { level1, level2, name, nature, target: String(target), unit, weightPct: w, actual: String(target - int(rnd, 0, Math.max(1, Math.floor(target * 0.1)))), score: w };
  }
  const target = unit === "%" ? int(rnd, 85, 98) : int(rnd, 10, 3000);
  const actual = unit === "%" ? Math.min(100, target + int(rnd, 0, 3)) : target + int(rnd, 0, Math.max(1, Math.floor(target * 0.15)));
  return { level1, level2, name, nature, target: String(target), unit, weightPct: w, actual: String(actual), score: w };
}

/**
 * Real reports list more lines and indicators than synthetic.ts draws (≈6.5 and 7): split
 * expenditure lines into 基本支出 / 项目支出 parts and share weights of met indicators with
 * further met indicators. Sums, totals and the drawn inconsistency are kept.
 */
export function enrichDocument(doc: ReportDocument, rnd: Random, target: { lines?: number; indicators?: number; lineSplitP?: number; extraIndicators?: [number, number] }): ReportDocument {
  const lines = doc.expenditure.lines;
  const splitOne = (i: number, k: number) => {
    const line = lines[i];
    const b = cents(line.budget), f = cents(line.final);
    if (b < 2) return false;
    const p = between(rnd, 0.3, 0.8);
    const b1 = Math.max(1, Math.min(b - 1, Math.round(b * p))), f1 = Math.min(f, Math.round(f * p));
    const base = line.name.replace(/（(基本|项目)支出\d*）$/, "");
    const first = { ...line, name: /（(基本|项目)支出\d*）$/.test(line.name) ? line.name : `${base}（基本支出）`, budget: wan(b1), final: wan(f1) };
    const second = { ...line, name: `${base}（项目支出${k > 1 ? k : ""}）`, budget: wan(b - b1), final: wan(f - f1) };
    lines.splice(i, 1, first, second);
    return true;
  };
  if (target.lines != null) {
    for (let k = 1, guard = 0; lines.length < target.lines && guard < 10_000; guard++) {
      let largest = 0;
      for (let i = 1; i < lines.length; i++) if (cents(lines[i].budget) > cents(lines[largest].budget)) largest = i;
      if (splitOne(largest, k)) k++;
      else break;
    }
  } else if (target.lineSplitP) {
    for (let i = lines.length - 1; i >= 0; i--) if (rnd() < target.lineSplitP) splitOne(i, 1);
  }

  const indicators = doc.targets.indicators;
  const wanted = target.indicators ?? indicators.length + (target.extraIndicators ? int(rnd, target.extraIndicators[0], target.extraIndicators[1]) : 0);
  for (let n = 0, guard = 0; indicators.length < wanted && guard < 1000; guard++) {
    const donors = indicators.map((ind, i) => [ind, i] as const).filter(([ind]) => canDonate(ind));
    if (!donors.length) break;
    // The heaviest donor first: weights stay balanced.
    const [donor] = donors.reduce((a, b) => (Number(b[0].weightPct) > Number(a[0].weightPct) ? b : a));
    const w = Number(donor.weightPct);
    const give = Math.max(1, Math.min(w - 1, int(rnd, 1, Math.floor(w / 2))));
    donor.weightPct = String(w - give);
    donor.score = donor.weightPct;
    indicators.push(extraIndicator(rnd, give, n++));
  }
  return doc;
}

const bandOf = (score: number) => (score >= 90 ? "优" : score >= 80 ? "良" : score >= 60 ? "中" : "差");
/** A line's completion rate in percent with two decimals, exactly rounded (hundredths of 万元 in). */
const ratePct = (finalCents: number, budgetCents: number) => {
  const hundredths = Math.round((finalCents * 10_000) / budgetCents);
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, "0")}`;
};

/** What many real reports also state, consistently: the overall grade, each line's completion rate. */
function decorate(doc: ReportDocument, rnd: Random) {
  const score = Number(doc.selfScore);
  if (doc.selfScore && rnd() < 0.5) doc.selfGrade = bandOf(score);
  if (rnd() < 0.3) {
    for (const line of doc.expenditure.lines) {
      const b = cents(line.budget), f = cents(line.final);
      if (b > 0) line.statedRatePct = ratePct(f, b);
    }
  }
}

/** One inconsistency synthetic.ts does not draw, on an otherwise consistent report. */
function applyExtra(doc: ReportDocument, kind: ExtraKind, rnd: Random) {
  const adjusted = cents(doc.income.adjustedBudget);
  switch (kind) {
    case "staffSum": {
      const a = doc.staffing.authorized;
      a.total = (a.total ?? 0) + int(rnd, 1, 3);
      break;
    }
    case "fundsSplit":
      doc.targets.other = wan(int(rnd, 100, 5000));
      break;
    case "carryover":
      doc.carryover = wan(cents(doc.carryover) + int(rnd, 100, 50_000));
      break;
    case "missing":
      // The self score left blank (the 自评表 not filled in).
      doc.selfScore = null;
      doc.selfGrade = null;
      break;
    case "tableVsReport": {
      const table = wan(adjusted - int(rnd, 100, Math.max(101, Math.floor(adjusted / 10))));
      doc.targets.totalFunds = table;
      doc.targets.fiscal = table;
      break;
    }
    case "lineRate": {
      const line = doc.expenditure.lines[0];
      const b = cents(line.budget), f = cents(line.final);
      if (b > 0) line.statedRatePct = ratePct(Math.min(f + Math.ceil(b * 0.05), b * 2), b);
      break;
    }
    case "functionCode":
      doc.expenditure.lines[doc.expenditure.lines.length - 1].code = pick(rnd, ["2990101", "201010", "20101O1"]);
      break;
    case "projectsOver":
      doc.projects.recurring.amount = wan(adjusted);
      break;
    case "gradeBand": {
      const qualitative = doc.targets.indicators.find((ind) => normalizeNature(ind.nature) === "定性" && ind.score === ind.weightPct);
      if (qualitative) qualitative.actual = "良";
      break;
    }
    case "selfGrade":
      if (doc.selfScore) doc.selfGrade = Number(doc.selfScore) >= 90 ? "良" : "优";
      break;
    case "overAchieved": {
      // A target set too low: reached 1.3–2.5 times over (the score is the weight either way).
      const ind = doc.targets.indicators.find((i) => normalizeNature(i.nature) === "≥" && i.unit !== "%" && i.score === i.weightPct && Number(i.target) > 0);
      if (ind) ind.actual = String(Math.ceil(Number(ind.target) * between(rnd, 1.3, 2.5)));
      break;
    }
  }
}

function documentFor(unit: UnitPlan, year: number, seed: number, kind: Kind): ReportDocument {
  const synthetic = (SYNTHETIC_KINDS as readonly string[]).includes(kind) ? (kind as Inconsistency) : "none";
  const { document } = syntheticReport({ unitName: unit.name, year, rnd: seededRandom(seed), inconsistency: synthetic });
  const doc = enrichDocument(document, seededRandom(mix(seed, 7)), { lineSplitP: 0.55, extraIndicators: [1, 5] });
  decorate(doc, seededRandom(mix(seed, 13)));
  if (synthetic === "none" && kind !== "none") applyExtra(doc, kind as ExtraKind, seededRandom(mix(seed, 17)));
  return doc;
}

// ——— histories ——————————————————————————————————————————————————————————————————

const personOf = (u: UserPlan): Person => ({ userId: u.id, name: u.displayName, address: u.address });

function drawStatus(rnd: Random, isLast: boolean): ReportStatus {
  const r = rnd();
  if (isLast) return r < 0.15 ? "draft" : r < 0.6 ? "submitted" : r < 0.7 ? "returned" : "approved";
  return r < 0.02 ? "draft" : r < 0.05 ? "submitted" : r < 0.07 ? "returned" : "approved";
}

/**
 * Every unit's report of one county and year, with its history. Deterministic: each report
 * draws from its own stream (seed, county, unit, year), whatever the batch it is written in.
 */
export function planCountyYear(plan: ProvincePlan, county: CountyPlan, year: number): { reports: PlannedReport[]; events: PlannedEvent[] } {
  const { seed, lastYear } = plan.options;
  const isLast = year === lastYear;
  const deadline = deadlineOf(year);
  const snapshot = isLast ? snapshotOf(lastYear) : Number.POSITIVE_INFINITY;
  const reviewer = personOf(county.reviewer);
  const reviewerLogins = new Set<number>();
  const countyEvents: PlannedEvent[] = [];
  const reviewerDay = (at: number) => {
    const day = Math.floor((at + 8 * 3_600_000) / DAY);
    if (reviewerLogins.has(day)) return;
    reviewerLogins.add(day);
    countyEvents.push({ kind: "login", at: at - 60_000, actor: reviewer });
  };

  const reports = county.units.map((unit): PlannedReport => {
    const reportSeed = mix(seed, 3, county.index, unit.index, year);
    const rnd = seededRandom(reportSeed);
    const ids = new IdMaker([seed, 3, county.index, unit.index, year]);
    const staff = personOf(unit.staff);
    const status = drawStatus(rnd, isLast);
    const inconsistency: Kind = rnd() < unit.sloppiness ? pick(rnd, ALL_KINDS) : "none";
    const hasErrors = ERROR_KINDS.includes(inconsistency);
    const source: "form" | "intake" = status !== "draft" && rnd() < county.intakeShare ? "intake" : "form";
    const docSeed = mix(reportSeed, 11);

    const docs: PlannedDoc[] = [];
    const addDoc = (d: ReportDocument) => docs.push({ document: d }) - 1;
    const events: PlannedEvent[] = [];
    const revisions: PlannedRevision[] = [];
    const comments: PlannedComment[] = [];
    let version = 0;
    let state: ReportStatus = "draft";
    let updatedAt = 0, updatedBy: string | null = null;
    let t = deadline - 75 * DAY + Math.floor(rnd() * 20 * DAY) + Math.floor(rnd() * 8 * 3_600_000);
    const id = ids.at(t);
    const createdAt = t;
    const later = (minH: number, maxH: number) => {
      // Never past the snapshot of the last year, never back in time.
      t = Math.max(t + 1000, Math.min(snapshot - 60_000, t + Math.floor(between(rnd, minH, maxH) * 3_600_000)));
      return t;
    };
    const touch = (who: Person) => {
      version++;
      updatedAt = t;
      updatedBy = who.userId;
    };
    const staffLogin = () => events.push({ kind: "login", at: t - 90_000, actor: staff });
    const save = (doc: number, explain: ExplainPolicy, explainedNow: boolean) => {
      touch(staff);
      events.push({ kind: "save", at: t, actor: staff, status: state, version, doc, explain, explainedNow });
    };
    const transition = (kind: "submit" | "return" | "approve" | "reopen", who: Person, to: ReportStatus, reason: string | null) => {
      if (kind !== "submit") reviewerDay(t);
      touch(who);
      const revision = kind === "submit" ? revisions.length + 1 : revisions.length;
      events.push({ kind, at: t, actor: who, from: state, to, version, revision, reason });
      if (reason && kind !== "submit") {
        comments.push({ id: ids.at(t), revision, kind, path: null, replyTo: null, author: who, side: "bureau", body: reason, resolved: false, createdAt: t });
      }
      state = to;
    };
    const submit = (doc: number, explain: ExplainPolicy) => {
      // The deadline pulls submissions: most arrive in its last weeks, about a fifth late.
      transition("submit", staff, "submitted", null);
      revisions.push({ id: ids.at(t), number: revisions.length + 1, doc, explain, submittedAt: t, by: staff, sourceFileName: null });
    };
    const maybeComment = () => {
      if (rnd() >= 0.18) return;
      later(2, 72);
      reviewerDay(t);
      const c = pick(rnd, REVIEW_COMMENTS);
      const commentId = ids.at(t);
      const comment: PlannedComment = { id: commentId, revision: revisions.length, kind: "comment", path: c.path, replyTo: null, author: reviewer, side: "bureau", body: c.body, resolved: false, createdAt: t };
      comments.push(comment);
      events.push({ kind: "comment", at: t, actor: reviewer, commentId, path: c.path, replyTo: null, length: c.body.length });
      if (rnd() < 0.6) {
        later(4, 96);
        staffLogin();
        const answerId = ids.at(t);
        comments.push({ id: answerId, revision: revisions.length, kind: "answer", path: c.path, replyTo: commentId, author: staff, side: "unit", body: c.answer, resolved: false, createdAt: t });
        events.push({ kind: "answer", at: t, actor: staff, commentId: answerId, path: c.path, replyTo: commentId, length: c.answer.length });
        if (rnd() < 0.6) {
          later(2, 48);
          reviewerDay(t);
          comment.resolved = true;
          events.push({ kind: "resolve", at: t, actor: reviewer, commentId });
        }
      }
    };
    const review = (to: "approve" | "return") => {
      later(20, 24 * 12);
      if (to === "approve") transition("approve", reviewer, "approved", rnd() < 0.1 ? pick(rnd, APPROVE_NOTES) : null);
      else transition("return", reviewer, "returned", pick(rnd, hasErrors ? RETURN_REASONS.slice(0, 3) : RETURN_REASONS.slice(3)));
    };
    const resubmit = (doc: number) => {
      later(24, 24 * 8);
      staffLogin();
      save(doc, "all", true);
      later(0.2, 6);
      submit(doc, "all");
    };

    let draft: number;
    let draftExplain: ExplainPolicy;
    if (status === "draft") {
      // Still being filled in: whatever state the unit left it in.
      draft = addDoc(documentFor(unit, year, docSeed, inconsistency));
      draftExplain = "some";
      staffLogin();
      events.push({ kind: "create", at: t, actor: staff });
      touch(staff);
      for (let s = int(rnd, 0, 3); s > 0; s--) {
        later(2, 24 * 6);
        if (rnd() < 0.5) staffLogin();
        save(draft, s === 1 ? "some" : "none", s === 1);
      }
    } else if (source === "intake") {
      // The unit e-mailed its Word file; the bureau imported it (errors and all).
      t = deadline - 40 * DAY + Math.floor(rnd() * 50 * DAY);
      const received = addDoc(documentFor(unit, year, docSeed, inconsistency));
      const file = `${unit.name}${year}年度部门整体支出绩效自评报告.docx`;
      reviewerDay(t);
      events.push({ kind: "intake", at: t, actor: reviewer, doc: received, file });
      version = 1;
      updatedAt = t;
      updatedBy = reviewer.userId;
      state = "submitted";
      revisions.push({ id: ids.at(t), number: 1, doc: received, explain: "none", submittedAt: t, by: reviewer, sourceFileName: file });
      draft = received;
      draftExplain = "none";
      maybeComment();
      if (status === "submitted" && (!hasErrors || rnd() < 0.5)) {
        /* awaiting review (imported with its errors: the top of the triage queue) */
      } else if (status === "returned") {
        review("return");
      } else if (status === "approved" && !hasErrors && rnd() < 0.6) {
        review("approve");
      } else {
        // Errors, or warnings left unexplained: returned, fixed in the form, submitted again.
        review("return");
        const fixed = hasErrors ? addDoc(documentFor(unit, year, docSeed, "none")) : received;
        resubmit(fixed);
        draft = fixed;
        draftExplain = "all";
        maybeComment();
        if (status === "approved") review("approve");
      }
    } else {
      // The form: errors block a submit, so a careless unit saves its errors, fixes them, then submits.
      staffLogin();
      events.push({ kind: "create", at: t, actor: staff });
      touch(staff);
      let doc = addDoc(documentFor(unit, year, docSeed, inconsistency));
      for (let s = int(rnd, 1, 2); s > 0; s--) {
        later(4, 24 * 5);
        save(doc, "none", false);
      }
      if (hasErrors) {
        later(4, 24 * 5);
        doc = addDoc(documentFor(unit, year, docSeed, "none"));
        save(doc, "none", false);
      }
      t = Math.max(t + 3_600_000, deadline - 40 * DAY + Math.floor(rnd() * 50 * DAY));
      if (t > snapshot) t = snapshot - DAY * (1 + rnd());
      staffLogin();
      save(doc, "all", true);
      later(0.1, 3);
      submit(doc, "all");
      draft = doc;
      draftExplain = "all";
      maybeComment();
      const r = rnd();
      if (status === "returned") review("return");
      else if (status === "submitted") {
        if (r < 0.12) {
          review("return");
          resubmit(doc);
          maybeComment();
        } else if (r < 0.15 && !isLast) {
          review("approve");
          later(24 * 5, 24 * 60);
          transition("reopen", reviewer, "submitted", pick(rnd, REOPEN_REASONS));
        }
      } else {
        if (r < 0.12) {
          review("return");
          resubmit(doc);
          maybeComment();
        }
        review("approve");
        if (r > 0.98 && !isLast) {
          later(24 * 5, 24 * 60);
          transition("reopen", reviewer, "submitted", pick(rnd, REOPEN_REASONS));
          later(24, 24 * 10);
          transition("approve", reviewer, "approved", null);
        }
      }
    }
    return {
      id, county, unit, year, status: state, source, version, currentRevision: revisions.length, createdAt, updatedAt, updatedBy,
      docs, draft, draftExplain, revisions, comments, events, seed: reportSeed, idParts: [seed, 4, county.index, unit.index, year],
    };
  });
  return { reports, events: countyEvents };
}

// ——— the benchmark's big report ————————————————————————————————————————————————————

/**
 * A report of `lines` expenditure lines and `indicators` indicators with no error and no
 * warning under the default thresholds (so it can be saved and submitted without
 * explanations), for the save + check and submit measurements.
 */
export function bigReport(unitName: string, year: number, seed: number, lines = 50, indicators = 30): ReportDocument {
  const check = (doc: ReportDocument) => checkReport(doc).filter((f) => f.severity !== "info").length;
  for (let attempt = 0; attempt < 500; attempt++) {
    const s = mix(seed, 99, attempt);
    const { document } = syntheticReport({ unitName, year, rnd: seededRandom(s), inconsistency: "none" });
    // Room for 30 indicators needs heavy donors: start from a report whose indicators are all met.
    const doc = enrichDocument(document, seededRandom(mix(s, 1)), { lines, indicators });
    if (doc.expenditure.lines.length !== lines || doc.targets.indicators.length !== indicators) continue;
    if (check(doc) > 0) continue;
    return doc;
  }
  throw new Error(`no clean ${lines}-line / ${indicators}-indicator report found`);
}
