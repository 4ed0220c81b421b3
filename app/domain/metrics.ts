/**
 * The numbers every queue and dashboard reads, derived from one report document and its
 * flags: the read model row (report_metrics) is exactly this, so it can always be rebuilt
 * from the documents and checked against a recompute.
 */
import { dec, type Dec, Decimal, MAX_AMOUNT_FEN, wanToFen } from "./money";
import type { Flag, ReportDocument } from "./report";
import { deviationOf, executionRateOf, formulaScore, functionClassOf, normalizeNature } from "./rules";
import type { ScoreGrade } from "./vocabulary";

export interface ReportMetrics {
  initialBudgetFen: bigint | null;
  adjustedBudgetFen: bigint | null;
  expenditureFen: bigint | null;
  /** final / adjusted budget, as a fraction (0.98), null when undefined. */
  executionRate: number | null;
  /** (final − initial) / initial, as a fraction, null when undefined. */
  deviation: number | null;
  selfScore: number | null;
  grade: ScoreGrade | null;
  /** What the standard formula would give (qualitative indicators count as scored, capped at weight). */
  formulaScore: number | null;
  /** The 类 with the largest expenditure. */
  mainClass: string | null;
  classAmounts: Record<string, bigint>;
  errors: number;
  warnings: number;
  infos: number;
  unexplainedWarnings: number;
  overAchieved: number;
  scoreAboveFormula: number;
}

export const explanationKey = (flag: Pick<Flag, "rule" | "path">) => `${flag.rule}@${flag.path}`;

/** Total-score band of docs/domain.md: 优 ≥90, 良 80–90, 中 60–80, 差 <60. */
export function scoreGrade(score: number | null): ScoreGrade | null {
  if (score == null || !Number.isFinite(score)) return null;
  if (score >= 90) return "优";
  if (score >= 80) return "良";
  if (score >= 60) return "中";
  return "差";
}

/**
 * An amount as stored (integer 分). Documents are validated before anything is derived from
 * them, so this never rounds: a value outside the limits (an old draft) counts as absent
 * rather than as a different amount or one past the column's range.
 */
function fen(value: string | null | undefined): bigint | null {
  if (value == null) return null;
  try {
    const amount = wanToFen(value);
    return amount <= MAX_AMOUNT_FEN && amount >= -MAX_AMOUNT_FEN ? amount : null;
  } catch {
    return null;
  }
}

/** A ratio or score for a REAL column: never Infinity or NaN. */
const toNumber = (d: Dec | null) => {
  const n = d ? d.toNumber() : null;
  return n != null && Number.isFinite(n) ? n : null;
};

function totalFormulaScore(doc: ReportDocument): number | null {
  const indicators = doc.targets.indicators;
  if (!indicators.length) return null;
  let total = new Decimal(0);
  for (const indicator of indicators) {
    const formula = normalizeNature(indicator.nature) === "定性" ? null : formulaScore(indicator);
    if (formula) {
      total = total.plus(formula);
      continue;
    }
    // Qualitative (or not computable): take the unit's score, but never above the weight.
    const score = dec(indicator.score);
    const weight = dec(indicator.weightPct);
    if (score) total = total.plus(weight ? Decimal.min(score, weight) : score);
  }
  return toNumber(total);
}

export function computeMetrics(doc: ReportDocument, flags: readonly Flag[], explanations: Record<string, string> = {}): ReportMetrics {
  const classAmounts: Record<string, bigint> = {};
  for (const line of doc.expenditure.lines) {
    const cls = functionClassOf(line.code);
    const amount = fen(line.final);
    if (cls && amount != null) classAmounts[cls.code] = (classAmounts[cls.code] ?? 0n) + amount;
  }
  const mainClass = Object.entries(classAmounts).sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : a[0].localeCompare(b[0])))[0]?.[0] ?? null;
  const selfScore = toNumber(dec(doc.selfScore));
  const count = (predicate: (f: Flag) => boolean) => flags.filter(predicate).length;
  return {
    initialBudgetFen: fen(doc.income.initialBudget),
    adjustedBudgetFen: fen(doc.income.adjustedBudget),
    expenditureFen: fen(doc.expenditure.total),
    executionRate: toNumber(executionRateOf(doc)),
    deviation: toNumber(deviationOf(doc)),
    selfScore,
    grade: scoreGrade(selfScore),
    formulaScore: totalFormulaScore(doc),
    mainClass,
    classAmounts,
    errors: count((f) => f.severity === "error"),
    warnings: count((f) => f.severity === "warning"),
    infos: count((f) => f.severity === "info"),
    unexplainedWarnings: count((f) => f.severity === "warning" && !explanations[explanationKey(f)]?.trim()),
    overAchieved: count((f) => f.rule === "OVER_ACHIEVED"),
    scoreAboveFormula: count((f) => f.rule === "SCORE_ABOVE_FORMULA"),
  };
}

export interface TriagePart {
  label: string;
  points: number;
}

/** Weights of the triage score, shown to reviewers as "why this rank". */
export const TRIAGE_WEIGHTS = {
  error: 25,
  unexplainedWarning: 10,
  warning: 4,
  deviationOver: 15,
  deviationPerPoint: 0.5,
  scoreAboveFormula: 8,
  overAchieved: 3,
  inflationPerPoint: 1,
} as const;

/**
 * Riskiest first: errors on received reports, unexplained warnings, |deviation| beyond the
 * threshold, scores above the formula, over-achieved targets, a self score above the
 * formula total. Ties go to whoever has waited longest (ordering, not score).
 */
export type TriageInput = Pick<
  ReportMetrics,
  "errors" | "warnings" | "unexplainedWarnings" | "deviation" | "scoreAboveFormula" | "overAchieved" | "selfScore" | "formulaScore"
>;

export function triage(m: TriageInput, deviationThresholdPct = 10): { score: number; parts: TriagePart[] } {
  const w = TRIAGE_WEIGHTS;
  const parts: TriagePart[] = [];
  const add = (label: string, points: number) => {
    if (points > 0) parts.push({ label, points: Math.round(points * 10) / 10 });
  };
  add(`强制性错误 ${m.errors} 个`, m.errors * w.error);
  add(`未说明的提示 ${m.unexplainedWarnings} 个`, m.unexplainedWarnings * w.unexplainedWarning);
  add(`提示性问题 ${m.warnings} 个`, m.warnings * w.warning);
  if (m.deviation != null && Math.abs(m.deviation) * 100 > deviationThresholdPct) {
    const pct = Math.abs(m.deviation) * 100;
    add(`偏离度 ${pct.toFixed(2)}%`, w.deviationOver + Math.min(50, (pct - deviationThresholdPct) * w.deviationPerPoint));
  }
  add(`得分高于标准公式的指标 ${m.scoreAboveFormula} 个`, m.scoreAboveFormula * w.scoreAboveFormula);
  add(`目标值可能偏低的指标 ${m.overAchieved} 个`, m.overAchieved * w.overAchieved);
  if (m.selfScore != null && m.formulaScore != null && m.selfScore > m.formulaScore) {
    add(`自评得分高出公式得分 ${(m.selfScore - m.formulaScore).toFixed(1)} 分`, Math.min(20, (m.selfScore - m.formulaScore) * w.inflationPerPoint));
  }
  const score = Math.round(parts.reduce((s, p) => s + p.points, 0) * 10) / 10;
  return { score, parts };
}

