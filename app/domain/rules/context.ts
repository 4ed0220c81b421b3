import type { Flag, ReportDocument } from "../report";
import { DEFAULT_RULE_SETTINGS, type RuleSettings } from "./settings";

/** What the rules may know beyond the report itself. */
export interface RuleContext {
  settings: RuleSettings;
  /** Last year's selfScore of the same unit (SCORE_JUMP); absent → the rule is skipped. */
  previousSelfScore?: string | null;
  /**
   * The county's other reports of the same year (COUNTY_OUTLIER): execution rates in percent
   * (98.5 for 98.5%) and self scores. Whether this unit is included is the caller's choice;
   * with robust statistics it barely matters. Absent → the rule is skipped.
   */
  county?: { executionRates: number[]; selfScores: number[] };
}

/** Fill in defaults; a partial settings object is merged over the defaults. */
export function ruleContext(ctx: Partial<RuleContext> = {}): RuleContext {
  const settings = ctx.settings ?? DEFAULT_RULE_SETTINGS;
  return {
    ...ctx,
    settings: {
      ...DEFAULT_RULE_SETTINGS,
      ...settings,
      gradeBands: { ...DEFAULT_RULE_SETTINGS.gradeBands, ...settings.gradeBands },
    },
  };
}

/** One rule: pure, skips itself when a field it needs is absent, returns its flags in document order. */
export type Check = (doc: ReportDocument, ctx: RuleContext) => Flag[];
