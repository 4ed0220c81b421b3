/**
 * What the dashboard model (app/models/dashboard.server.ts) hands the charts: plain rows for
 * one filter, the same on the server and in the browser. The charts drawn from it are in
 * registry.ts.
 */
import type { ScoreGrade, Severity } from "~/domain/vocabulary";

export interface DashboardData {
  /** Unit rows (one per counted report), or county rows in the city view. */
  units: Array<{ id: string; name: string; executionRatePct: number | null; deviationPct: number | null; initialBudgetWan: number | null; selfScore: number | null; formulaScore: number | null }>;
  grades: Array<{ grade: ScoreGrade; count: number }>;
  flags: Array<{ rule: string; severity: Severity; count: number }>;
  classes: Array<{ classCode: string; amountWan: number }>;
  submissions: Array<{ date: string; submitted: number }>;
  trend: Array<{ year: number; executionRatePct: number | null; avgSelfScore: number | null; deviatingUnits: number }>;
  statuses: Array<{ key: string; status: string; count: number }>;
  deadline: string | null;
  totalUnits: number;
  deviationPct: number;
  executionPct: number;
}
