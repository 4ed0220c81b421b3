/**
 * Per-county rule thresholds (docs/domain.md, "Consistency rules"). The admin edits them in a form;
 * the rules read them from the RuleContext.
 */
import { z } from "zod";
import { readDecimal } from "../numerals";

export interface RuleSettings {
  /** DEVIATION_OVER: abs(deviation) above this many percent. */
  deviationPct: number;
  /** EXECUTION_LOW: execution rate below this many percent. */
  executionPct: number;
  /** Lower bounds, in percent of the maximum, of the grades 优 / 良 / 中 (below 中 is 低/差). */
  gradeBands: { 优: number; 良: number; 中: number };
  /** OVER_ACHIEVED: a ≥ indicator's actual at or above this percent of its target. */
  overAchievedPct: number;
  /** SCORE_JUMP: selfScore differs from last year's by more than this many points. */
  scoreJump: number;
  /** COUNTY_OUTLIER: robust z above this. */
  outlierZ: number;
  /** SCORE_ABOVE_FORMULA: score may exceed the standard formula by this many points. */
  formulaSlack: number;
}

export const DEFAULT_RULE_SETTINGS: Readonly<RuleSettings> = Object.freeze({
  deviationPct: 10,
  executionPct: 90,
  gradeBands: Object.freeze({ 优: 90, 良: 80, 中: 60 }),
  overAchievedPct: 130,
  scoreJump: 15,
  outlierZ: 3,
  formulaSlack: 0.5,
});

/**
 * A form field: "" is "not filled" (not 0), anything else must be a number in range, written as
 * numerals.ts reads what people type (full-width digits, thousands separators; no exponent).
 */
function numberField(label: string, min: number, max: number) {
  return z.preprocess(
    (v) => (typeof v === "string" ? (v.trim() === "" ? undefined : Number(readDecimal(v) ?? NaN)) : v),
    z
      .number({ error: (issue) => (issue.input === undefined ? `请填写${label}` : `${label}请输入数字`) })
      .min(min, `${label}不能小于${min}`)
      .max(max, `${label}不能大于${max}`),
  );
}

/** The admin form for the thresholds (values may arrive as form strings). */
export const ruleSettingsSchema = z.object({
  deviationPct: numberField("偏离度阈值", 0, 100),
  executionPct: numberField("预算执行率阈值", 0, 100),
  gradeBands: z
    .object({
      优: numberField("“优”的分数线", 0, 100),
      良: numberField("“良”的分数线", 0, 100),
      中: numberField("“中”的分数线", 0, 100),
    })
    .refine((b) => b.优 > b.良, { message: "“优”的分数线应高于“良”", path: ["优"] })
    .refine((b) => b.良 > b.中, { message: "“良”的分数线应高于“中”", path: ["良"] }),
  overAchievedPct: numberField("超额完成阈值", 100, 10_000),
  scoreJump: numberField("自评得分变动阈值", 0, 100),
  outlierZ: numberField("离群判定阈值", 0.5, 20),
  formulaSlack: numberField("得分公式容差", 0, 100),
}) satisfies z.ZodType<RuleSettings, unknown>;
