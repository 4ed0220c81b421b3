/**
 * What the columns of a performance table are called in the templates seen in the wild, as
 * data: a column is recognised by its header text, whatever its position, so a template with
 * the columns in another order, extra or missing, or named by a synonym reads the same. A new
 * province's wording is a line here plus a test.
 */

export type IndicatorColumn = "level1" | "level2" | "name" | "nature" | "target" | "unit" | "actual" | "weight" | "score" | "reason";

export type FundsColumn = "initialBudget" | "adjustedBudget" | "executed" | "rate" | "weight" | "score" | "reason";

/** Header text (spaces removed, brackets such as (A) or （万元） dropped) → column. Most specific first. */
export const INDICATOR_COLUMNS: ReadonlyArray<readonly [IndicatorColumn, RegExp]> = [
  ["level1", /^一级指标$/],
  ["level2", /^二级指标$/],
  ["name", /^(?:三级指标|指标名称|绩效指标)$/],
  ["nature", /^指标性质$/],
  ["target", /^(?:年度)?(?:绩效)?指标值$|^(?:预期|年度)目标值$/],
  ["unit", /^(?:度量|计量)单位$/],
  ["actual", /^(?:实际)?完成(?:指标)?值$|^实际完成情况$/],
  ["weight", /^(?:权重|分值)(?:（%）|\(%\))?$/],
  ["score", /^(?:自评)?得分$/],
  ["reason", /^(?:偏差原因分析及改进措施|未完成原因分析|偏差原因|原因|偏差原因分析|备注)$/],
];

export const FUNDS_COLUMNS: ReadonlyArray<readonly [FundsColumn, RegExp]> = [
  ["initialBudget", /^年初预算(?:数)?$/],
  ["adjustedBudget", /^(?:调整后预算(?:数)?|全年预算(?:数)?|调整预算(?:数)?)$/],
  ["executed", /^(?:预算执行数|全年执行数|执行数|实际执行数|决算数)$/],
  ["rate", /^(?:预算)?执行率$/],
  ["weight", /^(?:权重|分值)$/],
  ["score", /^得分$/],
  ["reason", /^(?:原因|偏差原因|未完成原因)$/],
];

/** A header cell as the patterns above see it: no spaces, no trailing colon, no bracketed (A)/(B/A)/（10分）/（万元）. */
export function headerKey(text: string): string {
  return text
    .replace(/[\s\u3000]+/g, "")
    .replace(/[（(][^（）()]{0,8}[）)]/g, "")
    .replace(/[:：]$/, "");
}

export function columnOf<C extends string>(table: ReadonlyArray<readonly [C, RegExp]>, text: string): C | null {
  const key = headerKey(text);
  for (const [column, pattern] of table) if (pattern.test(key)) return column;
  return null;
}
