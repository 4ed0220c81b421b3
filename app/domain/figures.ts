/**
 * Dashboard figures as sums that add up: one county-year's figures are computed once (and
 * kept while the county's data version stands), and a city view adds up the counties'
 * figures instead of re-aggregating 20,000 rows. Averages are kept as sum and count so the
 * merged average is the same as SQL's AVG over all rows; money stays integer 分 (bigint).
 */

export interface FigureSums {
  /** Counted reports (submitted and approved, or the one status filtered on). */
  reports: number;
  adjustedBudgetFen: bigint;
  expenditureFen: bigint;
  initialBudgetFen: bigint;
  selfScoreSum: number;
  selfScoreCount: number;
  formulaScoreSum: number;
  formulaScoreCount: number;
  /** Reports whose |deviation| exceeds the campaign threshold. */
  deviating: number;
  /** Errors plus warnings still open on the counted reports. */
  openFlags: number;
}

export interface FigureDetail {
  /** Reports per status, drafts and returned included (the filters but not the status filter apply). */
  statuses: Record<string, number>;
  grades: Record<string, number>;
  /** Flag counts keyed `rule|severity`. */
  flags: Record<string, number>;
  classFen: Record<string, bigint>;
  /** Reports submitted per day (China Standard Time), by their latest submission. */
  submissionsByDay: Record<string, number>;
}

export interface CountyYearFigures {
  sums: FigureSums;
  detail: FigureDetail;
}

export function emptySums(): FigureSums {
  return {
    reports: 0, adjustedBudgetFen: 0n, expenditureFen: 0n, initialBudgetFen: 0n, selfScoreSum: 0, selfScoreCount: 0,
    formulaScoreSum: 0, formulaScoreCount: 0, deviating: 0, openFlags: 0,
  };
}

export function emptyDetail(): FigureDetail {
  return { statuses: {}, grades: {}, flags: {}, classFen: {}, submissionsByDay: {} };
}

/** The sums of several counties' (or years') figures, as if aggregated over all their rows at once. */
export function totalSums(parts: Iterable<FigureSums>): FigureSums {
  const t = emptySums();
  for (const p of parts) {
    t.reports += p.reports;
    t.adjustedBudgetFen += p.adjustedBudgetFen;
    t.expenditureFen += p.expenditureFen;
    t.initialBudgetFen += p.initialBudgetFen;
    t.selfScoreSum += p.selfScoreSum;
    t.selfScoreCount += p.selfScoreCount;
    t.formulaScoreSum += p.formulaScoreSum;
    t.formulaScoreCount += p.formulaScoreCount;
    t.deviating += p.deviating;
    t.openFlags += p.openFlags;
  }
  return t;
}

function addCountsInto<T extends number | bigint>(into: Record<string, T>, from: Record<string, T>) {
  for (const key of Object.keys(from)) into[key] = (key in into ? (into[key] as any) + from[key] : from[key]) as T;
}

/** The counts of several counties' details added up, key by key. */
export function totalDetail(parts: Iterable<FigureDetail>): FigureDetail {
  const t = emptyDetail();
  for (const p of parts) {
    addCountsInto(t.statuses, p.statuses);
    addCountsInto(t.grades, p.grades);
    addCountsInto(t.flags, p.flags);
    addCountsInto(t.classFen, p.classFen);
    addCountsInto(t.submissionsByDay, p.submissionsByDay);
  }
  return t;
}

/** 分 → 万元 as a plotted number (money.fenToWan gives the exact decimal; figures stay in 分 until this point). */
export function plottedWan(fen: bigint): number {
  return Number(fen) / 1_000_000;
}

export function average(sum: number, count: number): number | null {
  return count > 0 ? sum / count : null;
}

/** final / adjusted budget as a percentage, null without a budget. */
export function executionRatePct(s: FigureSums): number | null {
  return s.adjustedBudgetFen > 0n ? (Number(s.expenditureFen) * 100) / Number(s.adjustedBudgetFen) : null;
}

/** (final − initial) / initial of the summed amounts, as a percentage. */
export function deviationPct(s: FigureSums): number | null {
  return s.initialBudgetFen > 0n ? (Number(s.expenditureFen - s.initialBudgetFen) * 100) / Number(s.initialBudgetFen) : null;
}

/** The calendar day in China Standard Time of an epoch-millisecond instant, as the bureau counts days. */
export function chinaDay(epochMs: number): string {
  return new Date(epochMs + 8 * 3_600_000).toISOString().slice(0, 10);
}
