/**
 * Synthetic self-evaluation reports that look like real counties' (execution mostly 95–100%,
 * deviations centred near +5%, self scores 85–98), some of them inconsistent in exactly one
 * of the ways the rules catch. Deterministic for a seed. Used by the demo and `npm run generate`.
 */
import { FORMAT, type ExpenditureLine, type Indicator, type ReportDocument } from "~/domain/report";

export type Random = () => number;

/** mulberry32: small, fast, good enough for test data. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const between = (rnd: Random, lo: number, hi: number) => lo + (hi - lo) * rnd();
export const int = (rnd: Random, lo: number, hi: number) => Math.floor(between(rnd, lo, hi + 1));
export const pick = <T>(rnd: Random, items: readonly T[]): T => items[Math.floor(rnd() * items.length)];

/** Reports on year Y are due at the end of March of Y+1 (China Standard Time). */
export const deadlineOf = (year: number) => Date.UTC(year + 1, 2, 31, 16, 0, 0);
function normal(rnd: Random, mean: number, sd: number) {
  const u = Math.max(rnd(), 1e-12);
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
}

/** Amounts are integer hundredths of 万元 while generating, so every sum is exact. */
const wan = (cents: number) => {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const frac = abs % 100;
  return frac === 0 ? `${sign}${whole}` : `${sign}${whole}.${String(frac).padStart(2, "0").replace(/0$/, "")}`;
};

const LINE_CATALOGUE: Array<[code: string, name: string]> = [
  ["2010101", "行政运行"], ["2010102", "一般行政管理事务"], ["2012901", "行政运行"], ["2012999", "其他群众团体事务支出"],
  ["2050101", "行政运行"], ["2050201", "学前教育"], ["2050202", "小学教育"], ["2050203", "初中教育"],
  ["2080505", "机关事业单位基本养老保险缴费支出"], ["2080506", "机关事业单位职业年金缴费支出"], ["2080801", "死亡抚恤"],
  ["2101101", "行政单位医疗"], ["2101102", "事业单位医疗"], ["2101103", "公务员医疗补助"], ["2100408", "基本公共卫生服务"],
  ["2120101", "行政运行"], ["2130101", "行政运行"], ["2130122", "农业生产发展"], ["2140101", "行政运行"], ["2140106", "公路建设"],
  ["2040201", "行政运行"], ["2070101", "行政运行"], ["2210201", "住房公积金"], ["2240101", "行政运行"],
];

const INDICATOR_CATALOGUE: Array<[level1: string, level2: string, name: string, nature: string, unit: string | null]> = [
  ["产出指标", "数量指标", "完成项目个数", "≥", "个"],
  ["产出指标", "数量指标", "服务人次", "≥", "人次"],
  ["产出指标", "质量指标", "验收合格率", "≥", "%"],
  ["产出指标", "时效指标", "按时完成率", "≥", "%"],
  ["成本指标", "经济成本指标", "人均运行成本", "≤", "元/人"],
  ["效益指标", "社会效益指标", "群众知晓率", "≥", "%"],
  ["效益指标", "可持续影响指标", "长效机制建设", "定性", null],
  ["效益指标", "经济效益指标", "带动增收", "≥", "万元"],
  ["满意度指标", "满意度指标", "服务对象满意度", "≥", "%"],
];

export type Inconsistency =
  | "none" | "linesSum" | "weights" | "scoreRange" | "totalScore" | "staffQuota" | "nature" | "deviationUnexplained" | "executionLow" | "inflatedScore";

export interface GenerateOptions {
  unitName: string;
  year: number;
  rnd: Random;
  /** Force one inconsistency (else drawn: ~70% of reports are clean). */
  inconsistency?: Inconsistency;
}

export function drawInconsistency(rnd: Random): Inconsistency {
  if (rnd() < 0.7) return "none";
  return pick(rnd, ["linesSum", "weights", "scoreRange", "totalScore", "staffQuota", "nature", "deviationUnexplained", "executionLow", "inflatedScore"] as const);
}

export function syntheticReport({ unitName, year, rnd, inconsistency = drawInconsistency(rnd) }: GenerateOptions): { document: ReportDocument; inconsistency: Inconsistency } {
  // Budget: log-uniform 50–20,000 万元; adjustments move it by a mostly modest deviation.
  const initial = Math.round(Math.exp(between(rnd, Math.log(50), Math.log(20000))) * 100);
  const deviation = inconsistency === "deviationUnexplained" ? between(rnd, 0.15, 0.4) : Math.max(-0.3, normal(rnd, 0.05, 0.08));
  const adjusted = Math.max(100, Math.round(initial * (1 + deviation)));
  const executionTarget = inconsistency === "executionLow" ? between(rnd, 0.7, 0.88) : Math.min(1, between(rnd, 0.95, 1.01));

  const lineCount = int(rnd, 3, 10);
  const codes = [...LINE_CATALOGUE].sort(() => rnd() - 0.5).slice(0, lineCount);
  let remaining = adjusted;
  const lines: ExpenditureLine[] = [];
  let finalTotal = 0;
  codes.forEach(([code, name], i) => {
    const budget = i === codes.length - 1 ? remaining : Math.round(remaining * between(rnd, 0.15, 0.5));
    remaining -= budget;
    const final = Math.round(budget * Math.min(1, executionTarget + between(rnd, -0.02, 0.02)));
    finalTotal += final;
    lines.push({ code, name, budget: wan(budget), final: wan(final) });
  });
  const reportedTotal = inconsistency === "linesSum" ? finalTotal + int(rnd, 500, 5000) : finalTotal;

  const change = finalTotal - initial;
  const adjustments = change === 0 ? [] : inconsistency === "deviationUnexplained"
    ? [{ reason: "年中追加预算", amount: wan(Math.round(change * 0.6)) }]
    : [{ reason: change > 0 ? "年中追加项目预算" : "调减预算", amount: wan(change) }];

  const adminQuota = int(rnd, 3, 25);
  const institutionQuota = int(rnd, 0, 60);
  const adminActual = inconsistency === "staffQuota" ? adminQuota + int(rnd, 1, 3) : Math.max(0, adminQuota - int(rnd, 0, 2));
  const institutionActual = Math.max(0, institutionQuota - int(rnd, 0, 3));

  // How well this unit did: real self scores spread over 良 and 优, a few 中.
  const quality = between(rnd, 0.45, 0.95);
  const indicatorCount = int(rnd, 5, 9);
  const chosen = [...INDICATOR_CATALOGUE].sort(() => rnd() - 0.5).slice(0, indicatorCount);
  const weights = chosen.map(() => 1);
  let left = 100 - indicatorCount;
  for (let i = 0; left > 0; i = (i + 1) % indicatorCount) {
    const add = Math.min(left, int(rnd, 0, 10));
    weights[i] += add;
    left -= add;
  }
  if (inconsistency === "weights") weights[0] += 5;
  const indicators: Indicator[] = chosen.map(([level1, level2, name, nature, unit], i) => {
    const weight = weights[i];
    if (nature === "定性") {
      // 良 must land in its band (80–90% of the weight) with a whole score: not possible for every weight.
      const goodScore = Math.ceil(weight * 0.8);
      const grade = rnd() > quality && goodScore < weight * 0.9 ? "良" : "优";
      const score = grade === "优" ? weight : goodScore;
      return { level1, level2, name, nature, target: "优良中低差", unit, weightPct: String(weight), actual: grade, score: String(score) };
    }
    const target = nature === "≤" ? int(rnd, 50, 200) : unit === "%" ? int(rnd, 85, 98) : int(rnd, 5, 2000);
    const met = rnd() < quality;
    const actual = nature === "≤" ? (met ? target - int(rnd, 0, 10) : target + int(rnd, 1, 20)) : unit === "%" ? (met ? Math.min(100, target + int(rnd, 0, 5)) : target - int(rnd, 3, 25)) : met ? target + int(rnd, 0, Math.max(1, Math.floor(target * 0.2))) : Math.floor(target * between(rnd, 0.5, 0.95));
    let score: number;
    if (met) score = weight;
    else if (nature === "≤") score = Math.max(0, Math.floor((1 - (actual - target) / target) * weight));
    else score = Math.floor((actual / target) * weight);
    return { level1, level2, name, nature: inconsistency === "nature" && i === 0 ? "满意率" : nature, target: String(target), unit, weightPct: String(weight), actual: String(actual), score: String(score) };
  });
  if (inconsistency === "scoreRange") indicators[0].score = String(Number(indicators[0].weightPct) + 100);
  if (inconsistency === "inflatedScore") {
    const partial = indicators.find((ind) => ind.nature !== "定性" && Number(ind.score) < Number(ind.weightPct));
    if (partial) partial.score = partial.weightPct;
  }
  const scoreSum = indicators.reduce((s, ind) => s + Number(ind.score), 0);
  const selfScore = inconsistency === "totalScore" ? scoreSum + int(rnd, 3, 8) : scoreSum;

  const document: ReportDocument = {
    format: FORMAT,
    unit: { name: unitName },
    year,
    staffing: {
      authorized: { admin: adminQuota, institution: institutionQuota, total: adminQuota + institutionQuota },
      actual: { admin: adminActual, institution: institutionActual, total: adminActual + institutionActual },
      retired: int(rnd, 0, 40),
    },
    income: { initialBudget: wan(initial), adjustedBudget: wan(adjusted), total: wan(adjusted), fiscal: wan(adjusted) },
    expenditure: { total: wan(reportedTotal), lines },
    carryover: wan(adjusted - reportedTotal),
    budgetManagement: {
      statedDeviationPct: initial ? ((Math.round(((finalTotal - initial) / initial) * 10000)) / 100).toFixed(2) : null,
      adjustments,
    },
    projects: {
      recurring: { count: int(rnd, 1, 12), amount: wan(Math.round(adjusted * 0.8)), executionPct: "100", overBalanceCount: rnd() < 0.1 ? 1 : 0 },
      oneOff: { count: int(rnd, 0, 3), amount: wan(Math.round(adjusted * 0.1)), executionPct: "100", overBalanceCount: 0 },
    },
    selfScore: String(selfScore),
    targets: {
      totalFunds: wan(adjusted), fiscal: wan(adjusted), other: "0",
      overallGoal: `${unitName}${year}年度履行部门职责，保障单位正常运转，完成年度重点工作任务。`,
      tasks: [{ name: "保障运转", content: "保障机关正常运转和人员经费支出。" }, { name: "重点工作", content: "完成年度重点工作任务。" }],
      indicators,
    },
  };
  // statedDeviationPct must be a clean decimal string ("26.33", "-4.1")
  if (document.budgetManagement.statedDeviationPct) document.budgetManagement.statedDeviationPct = String(Number(document.budgetManagement.statedDeviationPct));
  return { document, inconsistency };
}
