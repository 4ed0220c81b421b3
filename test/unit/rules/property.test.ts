/**
 * Properties over randomly generated reports:
 *  1. a consistent report (lines sum to the total, income − expenditure = carryover, weights
 *     sum to 100, 0 ≤ score ≤ weight, scores sum to selfScore, …) raises no arithmetic flag —
 *     including when totals are written rounded to fewer decimals than their parts;
 *  2. perturbing one number by more than the rule's tolerance raises that rule and no
 *     unrelated arithmetic rule.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal, decimalPlaces, dec, halfUnit, type Dec } from "~/domain/money";
import { emptyReport, reportDocumentSchema, type Indicator, type ReportDocument } from "~/domain/report";
import { checkReport, type RuleId } from "~/domain/rules";

/** The tolerance of docs/domain.md, computed here independently of the engine: Σ half-units. */
const sumTolerance = (reported: string[]) => reported.reduce((t, v) => t.plus(halfUnit(v)), new Decimal(0));

const ARITHMETIC: readonly RuleId[] = [
  "EXP_LINES_SUM", "INCOME_EXP_CARRYOVER", "STAFF_SUM", "FUNDS_SPLIT", "WEIGHTS_SUM", "SCORE_RANGE", "TOTAL_SCORE", "MISSING_REQUIRED",
];
const RUNS = 500;

const write = (d: Dec, places: number) => d.toFixed(places); // half-up, keeps trailing zeros (written decimals)
const scaled = (units: number, places: number) => new Decimal(units).dividedBy(new Decimal(10).pow(places));
const places = fc.constantFrom(0, 1, 2, 2, 2, 4, 6);
// Within the document limits (money.ts): every amount, and the lines' sum, below 10,000,000 万元.
const amount = (max = 9_999_999) => fc.record({ units: fc.integer({ min: 0, max }), places }).map(({ units, places: p }) => write(scaled(units, p), p));
const CODES = ["2012901", "2012999", "2080505", "2080506", "2101101", "2210201", "2050101", "2130101", "2240101"];

/** Partition of 100 into n positive parts, written with 0 or 1 decimals. */
const weightsArb = (n: number) =>
  fc.constantFrom(0, 1).chain((wdp) => {
    const total = 100 * 10 ** wdp;
    return fc.uniqueArray(fc.integer({ min: 1, max: total - 1 }), { minLength: n - 1, maxLength: n - 1 }).map((cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), total];
      return points.slice(1).map((p, i) => write(scaled(p - points[i], wdp), wdp));
    });
  });

const indicatorsArb = fc.integer({ min: 1, max: 30 }).chain((n) =>
  fc.record({
    weights: weightsArb(n),
    rows: fc.array(
      fc.record({
        fraction: fc.integer({ min: 0, max: 1000 }),
        scorePlaces: fc.constantFrom(0, 1, 2),
        nature: fc.constantFrom("≥", "≤", "=", "定性", ">=", "不低于", "满意率"),
        target: fc.integer({ min: 0, max: 1000 }).map(String),
        actual: fc.oneof(fc.integer({ min: 0, max: 2000 }).map(String), fc.constantFrom("优", "良", "中", "差")),
      }),
      { minLength: n, maxLength: n },
    ),
  }).map(({ weights, rows }): Indicator[] =>
    rows.map((r, i) => {
      const w = dec(weights[i])!;
      const score = w.times(r.fraction).dividedBy(1000).toDecimalPlaces(r.scorePlaces, Decimal.ROUND_DOWN);
      return { level1: "产出指标", level2: "数量指标", name: `指标${i + 1}`, nature: r.nature, target: r.target, unit: null, weightPct: weights[i], actual: r.actual, score: write(score, r.scorePlaces) };
    }),
  ),
);

const headcountArb = fc.record({ admin: fc.integer({ min: 0, max: 500 }), institution: fc.integer({ min: 0, max: 500 }) })
  .map(({ admin, institution }) => ({ admin, institution, total: admin + institution }));

const consistentArb: fc.Arbitrary<ReportDocument> = fc.record({
  lines: fc.array(fc.record({ final: amount(100_000), extra: amount(1_000_000), code: fc.constantFrom(...CODES), stateRate: fc.boolean() }), { minLength: 1, maxLength: 50 }),
  totalPlaces: places,
  carryover: amount(4_000_000),
  // The initial budget as 10%–1000% of the total spent, so the stated deviation stays within ±1000%.
  initialPermille: fc.integer({ min: 100, max: 10_000 }),
  initialPlaces: places,
  adjustedBudget: amount().filter((a) => !dec(a)!.isZero()),
  otherPermille: fc.integer({ min: 0, max: 1000 }),
  adjustmentCount: fc.integer({ min: 0, max: 3 }),
  authorized: headcountArb,
  actual: headcountArb,
  indicators: indicatorsArb,
  selfPlaces: fc.constantFrom(0, 1, 2),
}).map((g) => {
  const doc = emptyReport("随机单位", 2024);
  doc.staffing = { authorized: g.authorized, actual: g.actual, retired: null };
  doc.expenditure.lines = g.lines.map((l, i) => {
    const final = dec(l.final)!;
    const budget = final.plus(dec(l.extra)!);
    const p = Math.max(decimalPlaces(l.final), decimalPlaces(l.extra));
    return {
      code: l.code, name: `科目${i + 1}`, budget: write(budget, p), final: l.final,
      ...(l.stateRate && !budget.isZero() ? { statedRatePct: write(final.dividedBy(budget).times(100), 2) } : {}),
    };
  });
  // The total as a report would print it: the exact sum rounded to totalPlaces decimals.
  const exactTotal = doc.expenditure.lines.reduce((s, l) => s.plus(dec(l.final)!), new Decimal(0));
  doc.expenditure.total = write(exactTotal, g.totalPlaces);
  const p2 = Math.max(g.totalPlaces, decimalPlaces(g.carryover));
  const incomeTotal = dec(doc.expenditure.total)!.plus(dec(g.carryover)!);
  doc.carryover = g.carryover;
  const initial = dec(doc.expenditure.total)!.times(g.initialPermille).dividedBy(1000).toDecimalPlaces(g.initialPlaces, Decimal.ROUND_UP);
  const initialBudget = write(initial.isZero() ? scaled(1, g.initialPlaces) : initial, g.initialPlaces);
  doc.income = { initialBudget, adjustedBudget: g.adjustedBudget, total: write(incomeTotal, p2), fiscal: write(incomeTotal, p2) };
  const other = incomeTotal.times(g.otherPermille).dividedBy(1000).toDecimalPlaces(p2, Decimal.ROUND_DOWN);
  doc.targets.totalFunds = doc.income.total;
  doc.targets.other = write(other, p2);
  doc.targets.fiscal = write(incomeTotal.minus(other), p2);
  // Adjustments that explain final − initial exactly.
  const change = dec(doc.expenditure.total)!.minus(dec(initialBudget)!);
  const p3 = Math.max(g.totalPlaces, decimalPlaces(initialBudget));
  const parts = Array.from({ length: g.adjustmentCount }, (_, i) => change.times(i + 1).dividedBy(10).toDecimalPlaces(p3, Decimal.ROUND_DOWN));
  if (parts.length) parts[parts.length - 1] = change.minus(parts.slice(0, -1).reduce((s, x) => s.plus(x), new Decimal(0)));
  doc.budgetManagement = {
    statedDeviationPct: write(change.dividedBy(dec(initialBudget)!).times(100), 2),
    adjustments: parts.map((a, i) => ({ reason: `调整${i + 1}`, amount: write(a, p3) })),
  };
  doc.targets.indicators = g.indicators;
  const scoreSum = g.indicators.reduce((s, i) => s.plus(dec(i.score)!), new Decimal(0));
  doc.selfScore = write(scoreSum, g.selfPlaces);
  return doc;
});

const arithmeticRules = (doc: ReportDocument) =>
  new Set(checkReport(doc).map((f) => f.rule).filter((r) => (ARITHMETIC as readonly string[]).includes(r)));

/** Smallest multiple of 10^-places strictly greater than `tol`, plus `extra` such units. */
function beyond(tol: Dec, valuePlaces: number, extra: number): Dec {
  const unit = new Decimal(10).pow(-valuePlaces);
  return tol.dividedBy(unit).floor().plus(1 + extra).times(unit);
}
/** value ± delta, keeping the value's written decimals (so the tolerance does not change). */
const shift = (value: string, delta: Dec) => write(dec(value)!.plus(delta), decimalPlaces(value));
/** +1 or −1: the direction that makes |residue| grow (so the discrepancy is |residue| + delta). */
const away = (residue: Dec) => (residue.lt(0) ? -1 : 1);

interface Perturbation { must: RuleId; allowed: RuleId[]; apply: (d: ReportDocument, pick: number, extra: number) => void }

const PERTURBATIONS: Record<string, Perturbation> = {
  lineFinal: {
    must: "EXP_LINES_SUM", allowed: ["EXP_LINES_SUM"],
    apply: (d, pick, extra) => {
      const l = d.expenditure.lines[pick % d.expenditure.lines.length];
      const finals = d.expenditure.lines.map((x) => x.final!);
      const residue = finals.reduce((s, f) => s.plus(dec(f)!), new Decimal(0)).minus(dec(d.expenditure.total)!);
      const delta = beyond(sumTolerance([...finals, d.expenditure.total!]), decimalPlaces(l.final!), extra);
      l.final = shift(l.final!, delta.times(away(residue)));
    },
  },
  expenditureTotal: {
    must: "EXP_LINES_SUM", allowed: ["EXP_LINES_SUM", "INCOME_EXP_CARRYOVER"],
    apply: (d, _pick, extra) => {
      const finals = d.expenditure.lines.map((x) => x.final!);
      const residue = finals.reduce((s, f) => s.plus(dec(f)!), new Decimal(0)).minus(dec(d.expenditure.total)!);
      const delta = beyond(sumTolerance([...finals, d.expenditure.total!]), decimalPlaces(d.expenditure.total!), extra);
      d.expenditure.total = shift(d.expenditure.total!, delta.times(-away(residue))); // right-hand side
    },
  },
  carryover: {
    must: "INCOME_EXP_CARRYOVER", allowed: ["INCOME_EXP_CARRYOVER"],
    apply: (d, _pick, extra) => {
      const { total } = d.income, e = d.expenditure.total!, c = d.carryover!;
      const residue = dec(total)!.minus(dec(e)!).minus(dec(c)!);
      d.carryover = shift(c, beyond(sumTolerance([total!, e, c]), decimalPlaces(c), extra).times(-away(residue)));
    },
  },
  incomeTotal: {
    must: "INCOME_EXP_CARRYOVER", allowed: ["INCOME_EXP_CARRYOVER"],
    apply: (d, _pick, extra) => {
      const i = d.income.total!, e = d.expenditure.total!, c = d.carryover!;
      const residue = dec(i)!.minus(dec(e)!).minus(dec(c)!);
      d.income.total = shift(i, beyond(sumTolerance([i, e, c]), decimalPlaces(i), extra).times(away(residue)));
    },
  },
  staffing: {
    must: "STAFF_SUM", allowed: ["STAFF_SUM"],
    apply: (d, pick, extra) => {
      const h = pick % 2 ? d.staffing.actual : d.staffing.authorized;
      const field = (["admin", "institution", "total"] as const)[pick % 3];
      h[field] = h[field]! + 1 + extra; // headcounts are exact: any change is an error
    },
  },
  fundsOther: {
    must: "FUNDS_SPLIT", allowed: ["FUNDS_SPLIT"],
    apply: (d, _pick, extra) => {
      const { totalFunds, fiscal, other } = d.targets;
      const residue = dec(totalFunds)!.minus(dec(fiscal)!).minus(dec(other)!);
      d.targets.other = shift(other!, beyond(sumTolerance([totalFunds!, fiscal!, other!]), decimalPlaces(other!), extra).times(-away(residue)));
    },
  },
  weight: {
    must: "WEIGHTS_SUM", allowed: ["WEIGHTS_SUM"],
    apply: (d, pick, extra) => {
      const ind = d.targets.indicators[pick % d.targets.indicators.length];
      // Weights are exact; raising one keeps score ≤ weight.
      ind.weightPct = shift(ind.weightPct!, new Decimal(10).pow(-decimalPlaces(ind.weightPct!)).times(1 + extra));
    },
  },
  scoreAboveWeight: {
    must: "SCORE_RANGE", allowed: ["SCORE_RANGE", "TOTAL_SCORE"],
    apply: (d, pick, extra) => {
      const ind = d.targets.indicators[pick % d.targets.indicators.length];
      const unit = new Decimal(10).pow(-decimalPlaces(ind.score!));
      ind.score = shift(ind.score!, dec(ind.weightPct)!.minus(dec(ind.score)!).plus(unit.times(1 + extra)));
    },
  },
  scoreNegative: {
    must: "SCORE_RANGE", allowed: ["SCORE_RANGE", "TOTAL_SCORE"],
    apply: (d, pick, extra) => {
      const ind = d.targets.indicators[pick % d.targets.indicators.length];
      const unit = new Decimal(10).pow(-decimalPlaces(ind.score!));
      ind.score = shift(ind.score!, dec(ind.score)!.plus(unit.times(1 + extra)).negated());
    },
  },
  selfScore: {
    must: "TOTAL_SCORE", allowed: ["TOTAL_SCORE"],
    apply: (d, _pick, extra) => {
      const s = d.selfScore!;
      const residue = d.targets.indicators.reduce((acc, i) => acc.plus(dec(i.score)!), new Decimal(0)).minus(dec(s)!);
      d.selfScore = shift(s, beyond(halfUnit(s), decimalPlaces(s), extra).times(-away(residue)));
    },
  },
  missing: {
    must: "MISSING_REQUIRED", allowed: ["MISSING_REQUIRED"],
    apply: (d, pick) => {
      const drops: ((x: ReportDocument) => void)[] = [
        (x) => { x.unit.name = ""; },
        (x) => { x.year = null; },
        (x) => { x.income.initialBudget = null; },
        (x) => { x.income.adjustedBudget = null; },
        (x) => { x.income.total = null; },
        (x) => { x.expenditure.total = null; },
        (x) => { x.expenditure.lines = []; },
        (x) => { x.selfScore = null; },
        (x) => { x.targets.indicators = []; },
        (x) => { for (const i of x.targets.indicators) i.score = null; },
      ];
      drops[pick % drops.length](d);
    },
  },
};

describe("rule engine properties", () => {
  it("generated reports are valid documents", () => {
    fc.assert(fc.property(consistentArb, (doc) => { reportDocumentSchema.parse(doc); }), { numRuns: 50 });
  });

  it("a consistent report raises no arithmetic flag", () => {
    fc.assert(
      fc.property(consistentArb, (doc) => {
        expect([...arithmeticRules(doc)]).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it("flags never show Infinity or NaN, even with zero denominators", () => {
    fc.assert(
      fc.property(consistentArb, fc.boolean(), (doc, zeroInitial) => {
        if (zeroInitial) doc.income.initialBudget = "0"; else doc.income.adjustedBudget = "0";
        doc.expenditure.lines[0].budget = "0";
        doc.expenditure.lines[0].statedRatePct = "100";
        for (const f of checkReport(doc, { previousSelfScore: "50", county: { executionRates: [90, 95, 100, 100, 98, 97, 99, 96], selfScores: [80, 90, 85, 88, 92, 86, 91, 84] } })) {
          expect(`${f.message} ${JSON.stringify(f.values)}`).not.toMatch(/Infinity|NaN/);
        }
      }),
      { numRuns: RUNS },
    );
  });

  describe.each(Object.entries(PERTURBATIONS))("perturbing %s", (_name, p) => {
    it(`raises ${p.must} and no unrelated arithmetic rule`, () => {
      fc.assert(
        fc.property(consistentArb, fc.nat(), fc.integer({ min: 0, max: 5 }), (doc, pick, extra) => {
          p.apply(doc, pick, extra);
          const raised = arithmeticRules(doc);
          expect(raised.has(p.must)).toBe(true);
          for (const r of raised) expect(p.allowed).toContain(r);
        }),
        { numRuns: RUNS },
      );
    });
  });
});
