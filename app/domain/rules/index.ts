/**
 * The rule engine: checkReport runs every consistency rule of docs/domain.md on one report, in the
 * catalogue's order, and returns the flags. Pure: same document and context, same flags.
 */
import type { Flag, ReportDocument } from "../report";
import type { Severity } from "../vocabulary";
import { expLineRate, expLinesSum, fundsSplit, functionCodeInvalid, incomeExpCarryover, tableVsReport } from "./amounts";
import { deviationOverCheck, deviationStated, deviationUnexplained, executionLowCheck, overBalanceProjects, projectsOverTotal } from "./budget";
import { RULES, type RuleId } from "./catalog";
import { ruleContext, type Check, type RuleContext } from "./context";
import { countyOutlier, scoreJump } from "./crossReport";
import {
  fullMarksDespite, gradeBand, natureInvalid, overAchieved, scoreAboveFormula, scoreRange, selfGradeMismatch, totalScore, weightsSum,
} from "./indicators";
import { missingRequired } from "./required";
import { staffOverQuota, staffSum } from "./staffing";

export { RULES, RULE_IDS, type RuleId, type RuleInfo } from "./catalog";
export { DEFAULT_RULE_SETTINGS, ruleSettingsSchema, type RuleSettings } from "./settings";
export { ruleContext, type Check, type RuleContext } from "./context";
export { FUNCTION_CLASSES, functionClassOf } from "./functionClass";
export { formulaScore, gradeOf, indicatorNumber, normalizeNature, type Nature } from "./indicatorMath";
export { deviationOf, executionRateOf } from "./budget";
export { scoreInRange } from "./indicators";
export { robustZ } from "./crossReport";
export { sumTolerance } from "./util";

/** Every rule id has exactly one check (the compiler enforces completeness). */
const CHECKS: Record<RuleId, Check> = {
  EXP_LINES_SUM: expLinesSum,
  EXP_LINE_RATE: expLineRate,
  INCOME_EXP_CARRYOVER: incomeExpCarryover,
  STAFF_SUM: staffSum,
  FUNDS_SPLIT: fundsSplit,
  TABLE_VS_REPORT: tableVsReport,
  WEIGHTS_SUM: weightsSum,
  SCORE_RANGE: scoreRange,
  TOTAL_SCORE: totalScore,
  DEVIATION_STATED: deviationStated,
  DEVIATION_OVER: deviationOverCheck,
  DEVIATION_UNEXPLAINED: deviationUnexplained,
  EXECUTION_LOW: executionLowCheck,
  NATURE_INVALID: natureInvalid,
  SCORE_ABOVE_FORMULA: scoreAboveFormula,
  OVER_ACHIEVED: overAchieved,
  GRADE_BAND: gradeBand,
  SELF_GRADE_MISMATCH: selfGradeMismatch,
  FUNCTION_CODE_INVALID: functionCodeInvalid,
  STAFF_OVER_QUOTA: staffOverQuota,
  PROJECTS_OVER_TOTAL: projectsOverTotal,
  OVER_BALANCE_PROJECTS: overBalanceProjects,
  MISSING_REQUIRED: missingRequired,
  SCORE_JUMP: scoreJump,
  FULL_MARKS_DESPITE: fullMarksDespite,
  COUNTY_OUTLIER: countyOutlier,
};

/** Run every rule, in catalogue order; within a rule, flags come in document order. */
export function checkReport(doc: ReportDocument, ctx?: Partial<RuleContext>): Flag[] {
  const full = ruleContext(ctx);
  return RULES.flatMap((rule) => CHECKS[rule.id](doc, full));
}

/** Only the rules that compare with other reports (SCORE_JUMP, COUNTY_OUTLIER): refreshed when the county changes. */
export function checkCrossReport(doc: ReportDocument, ctx?: Partial<RuleContext>): Flag[] {
  const full = ruleContext(ctx);
  return [...scoreJump(doc, full), ...countyOutlier(doc, full)];
}

/**
 * What a unit's staff are shown of their report's flags: info flags are for reviewers
 * (docs/domain.md), and the cross-report ones quote the county's figures.
 */
export function flagsForStaff<F extends Pick<Flag, "severity">>(flags: readonly F[]): F[] {
  return flags.filter((f) => f.severity !== "info");
}

/** Counts by severity, for badges and the submit button. */
export function summarizeFlags(flags: readonly Flag[]): Record<Severity, number> & { total: number } {
  const counts = { error: 0, warning: 0, info: 0, total: flags.length };
  for (const f of flags) counts[f.severity] += 1;
  return counts;
}
