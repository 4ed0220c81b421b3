/**
 * What the columns of a performance table are called in the templates seen in the wild, as
 * data: a column is recognised by its header text, whatever its position, so a template with
 * the columns in another order, extra or missing, or named by a synonym reads the same. A new
 * province's wording is a line here plus a test.
 */

export type IndicatorColumn = "level1" | "level2" | "name" | "nature" | "target" | "unit" | "actual" | "weight" | "score" | "reason";

export type FundsColumn = "initialBudget" | "adjustedBudget" | "executed" | "rate" | "weight" | "score" | "reason";

/**
 * Header text (spaces removed, brackets such as (A) or （万元） dropped) → column. Most specific
 * first: when two header cells name the same column, the one matched by the earlier line wins
 * (三级指标 over a row label 绩效指标（90分）), so order matters within a column too.
 */
export const INDICATOR_COLUMNS: ReadonlyArray<readonly [IndicatorColumn, RegExp]> = [
  ["level1", /^一级指标$/],
  ["level2", /^二级指标$/],
  ["name", /^三级指标$/],
  ["name", /^(?:指标名称|绩效指标名称|三级指标名称|指标内容)$/],
  ["name", /^绩效指标$/],
  ["nature", /^(?:绩效)?指标性质$/],
  ["target", /^(?:年度|绩效|年度绩效)?指标值$|^(?:预期|年度|绩效)?目标值$/],
  ["unit", /^(?:绩效)?(?:度量|计量)单位$/],
  ["actual", /^(?:实际)?完成(?:指标)?值$|^实际完成(?:情况|指标值)?$|^(?:全年)?实际值$/],
  ["weight", /^(?:权重|分值|指标分值|权重分值|标准分值?)$/],
  ["score", /^(?:自评|实际|评价)?得分$|^自评分$/],
  ["reason", /^(?:偏差原因分析及改进措施|未完成原因分析|偏差原因|原因|偏差原因分析|备注)$/],
];

/**
 * Looser spellings, for a row already known to be an indicator header (the department table
 * reader appends them after the exact names above): a header worded otherwise (实际完成情况说明,
 * 指标值（2023年）) still lands by its key word. Not for telling header cells from content.
 */
export const INDICATOR_COLUMNS_LOOSE: ReadonlyArray<readonly [IndicatorColumn, RegExp]> = [
  ["nature", /性质/],
  ["actual", /实际|完成值/],
  ["unit", /度量单位|计量单位|^单位$/],
  ["weight", /权重|分值/],
  ["score", /得分/],
  ["target", /指标值|目标值/],
  ["reason", /原因|改进措施/],
];

/**
 * The second row of a two-row header (指标值 over 指标性质 | 值 | 单位): names a sub-column only
 * has under its group's cell.
 */
export const INDICATOR_SUBCOLUMNS: ReadonlyArray<readonly [IndicatorColumn, RegExp]> = [
  ["nature", /^(?:指标)?性质$/],
  ["target", /^(?:指标|目标|数)?值$/],
  ["unit", /^(?:度量|计量)?单位$/],
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

/** Longer than any header: such a cell is content, and matching it would only cost time. */
const MAX_HEADER_LENGTH = 40;

/** The column a header cell names and how specific the match is (lower rank: more specific), or null. */
export function columnMatch<C extends string>(table: ReadonlyArray<readonly [C, RegExp]>, text: string): { column: C; rank: number } | null {
  if (text.length > MAX_HEADER_LENGTH) return null;
  const key = headerKey(text);
  if (key === "") return null;
  for (let rank = 0; rank < table.length; rank++) {
    const [column, pattern] = table[rank];
    if (pattern.test(key)) return { column, rank };
  }
  return null;
}

export function columnOf<C extends string>(table: ReadonlyArray<readonly [C, RegExp]>, text: string): C | null {
  return columnMatch(table, text)?.column ?? null;
}
