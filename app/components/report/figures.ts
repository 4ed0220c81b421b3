/**
 * The figures shown live while the unit types, computed exactly (decimal strings, never
 * floats) from the form as it stands. A field that cannot be read yet counts as absent; a
 * ratio with an absent or zero denominator is null (shown "—").
 */
import { parseNumberAt, type FormDocument } from "~/domain/formDocument";
import { canonical, dec, ratio, sum, toPercent } from "~/domain/money";

export interface LiveFigureValues {
  linesFinalSum: string | null;
  expenditureTotal: string | null;
  /** Σ lines.final − expenditure.total. */
  linesDifference: string | null;
  executionRatePct: string | null;
  deviationPct: string | null;
  statedDeviationPct: string | null;
  weightSum: string | null;
  scoreSum: string | null;
  selfScore: string | null;
  /** Σ scores − selfScore. */
  scoreDifference: string | null;
}

function read(path: string, raw: string): string | null {
  const { value } = parseNumberAt(path, raw);
  return value == null ? null : String(value);
}

/** Σ of the readable values, or null when none is readable. */
function total(values: Array<string | null>): string | null {
  const present = values.filter((v): v is string => v != null);
  return present.length ? canonical(sum(present)) : null;
}

function difference(a: string | null, b: string | null): string | null {
  const x = dec(a), y = dec(b);
  return x && y ? canonical(x.minus(y)) : null;
}

export function computeFigures(form: FormDocument): LiveFigureValues {
  const lines = form.expenditure.lines;
  const indicators = form.targets.indicators;
  const linesFinalSum = total(lines.map((l, i) => read(`expenditure.lines[${i}].final`, l.final)));
  const expenditureTotal = read("expenditure.total", form.expenditure.total);
  const adjustedBudget = read("income.adjustedBudget", form.income.adjustedBudget);
  const initialBudget = read("income.initialBudget", form.income.initialBudget);
  const final = dec(expenditureTotal), initial = dec(initialBudget);
  const scoreSum = total(indicators.map((ind, i) => read(`targets.indicators[${i}].score`, ind.score)));
  const selfScore = read("selfScore", form.selfScore);
  return {
    linesFinalSum,
    expenditureTotal,
    linesDifference: difference(linesFinalSum, expenditureTotal),
    executionRatePct: toPercent(ratio(final, dec(adjustedBudget))),
    deviationPct: toPercent(final && initial ? ratio(final.minus(initial), initial) : null),
    statedDeviationPct: read("budgetManagement.statedDeviationPct", form.budgetManagement.statedDeviationPct),
    weightSum: total(indicators.map((ind, i) => read(`targets.indicators[${i}].weightPct`, ind.weightPct))),
    scoreSum,
    selfScore,
    scoreDifference: difference(scoreSum, selfScore),
  };
}
