/**
 * Expenditure lines (支出功能分类科目) from the 支出情况 paragraphs. One sentence often lists
 * several codes:
 *   "3.社会保障和就业（类）行政事业单位离退休（款）机关事业单位基本养老保险缴费支出（项）2080505：
 *    支出决算为46.19万元，机关事业单位职业年金缴费支出（项）2080506：支出决算为6.12万元；
 *    死亡抚恤（款）2080801：支出决算为0.78万元，完成预算100%，决算数等于预算数。"
 * Each code's name is the text just before it (after the last 类/款 marker), its figures the
 * text after it up to the next code's name.
 *
 * Budget rule: an explicitly stated budget (预算数180.00万元) is taken as written, with any stated
 * 完成预算X% kept as statedRatePct so the rules can check it. Without a stated budget, 完成预算100%
 * (or 决算数等于预算数, also when said once for the whole paragraph) implies budget = final: taken,
 * marked uncertain, and no statedRatePct (it would only restate the guess). Any other rate
 * without a budget is kept as statedRatePct and the budget left absent.
 */
import type { ExpenditureLine } from "~/domain/report";
import { Decimal } from "~/domain/money";
import type { TextLine } from "./cells";
import type { ImportContext } from "./context";
import { MONEY_UNIT, NUMBER, cleanDecimal, exceedsStoragePrecision, toWan } from "./numbers";

const CODE = /(?<![\d.])(\d{7})(?!\d)/g;
/** A 7-digit number followed by a unit is a quantity, not a code. */
const QUANTITY_AFTER = /^\s*(?:[.．]\d|万|亿|元|%|个|名|人|次|件|份|户|年|月|日|号|平方|吨|公里)/;
/** A code introduces a line when a colon or the figures follow shortly. */
const LINE_AFTER = /^[^。；]{0,40}?(?:[：:]|决算|支出)/;
// 、 too: "…缴费支出（2080505）支出决算为20.1万元、职业年金缴费支出（2080506）…".
const NAME_BOUNDARY = /[，,；;。：:、]/;
/** Longest name looked at before a code. */
const MAX_NAME_SPAN = 120;
const MAX_LINES = 500;

const LEVEL_MARKER = /[（(](?:类|款|项)[）)]/g;
const FINAL = new RegExp(
  String.raw`(?:支出决算|决算支出|决算数|决算金额|实际支出|决算)(?:数|金额)?(?:为|是)?\s*(?:[:：]\s*)?` + NUMBER + MONEY_UNIT
);
const FINAL_LOOSE = new RegExp(String.raw`支出(?:数|金额)?(?:为|是)?\s*(?:[:：]\s*)?` + NUMBER + MONEY_UNIT);
const BUDGET = new RegExp(String.raw`预算(?:数|金额|资金)?(?:为|是)?\s*(?:[:：]\s*)?` + NUMBER + MONEY_UNIT);
const RATE = new RegExp(
  String.raw`(?:完成(?:年初|调整)?预算(?:数)?(?:的)?|预算(?:完成率|执行率)|执行率|完成率)(?:为|是|达)?\s*` + NUMBER + String.raw`\s*%`
);
const BUDGET_EQUALS_FINAL = /完成(?:年初|调整)?预算(?:数)?(?:的)?\s*100(?:\.0+)?\s*%|决算数?(?:等于|与|同)预算数?|与预算数?一致/;

interface CodeAt {
  code: string;
  start: number;
  end: number;
  /** Where the name before the code begins. */
  nameStart: number;
}

/** Whether the paragraph lists function codes (its 支出决算 are per line, not the total). */
export function hasFunctionCodes(text: string): boolean {
  return findCodes(text).length > 0;
}

function findCodes(text: string): CodeAt[] {
  const found: CodeAt[] = [];
  let previousEnd = 0;
  for (const m of text.matchAll(CODE)) {
    const start = m.index ?? 0;
    const end = start + m[0].length;
    const after = text.slice(end, end + 48);
    if (QUANTITY_AFTER.test(after) || !LINE_AFTER.test(after)) continue;
    // Walk back to the clause boundary, but never past the previous code nor too far.
    const floor = Math.max(previousEnd, start - MAX_NAME_SPAN);
    let nameStart = start;
    while (nameStart > floor && !NAME_BOUNDARY.test(text[nameStart - 1])) nameStart--;
    found.push({ code: m[1], start, end, nameStart });
    previousEnd = end;
  }
  return found;
}

export function extractExpenditureLines(ctx: ImportContext, paragraphs: ReadonlyArray<TextLine>): void {
  const lines = ctx.document.expenditure.lines;
  for (const p of paragraphs) {
    const codes = findCodes(p.text);
    if (codes.length === 0) continue;
    const paragraphImplied = BUDGET_EQUALS_FINAL.test(p.text);
    codes.forEach((at, i) => {
      const next = codes[i + 1];
      const figures = p.text.slice(at.end, next ? next.nameStart : p.text.length);
      const name = nameBefore(p.text.slice(at.nameStart, at.start)) || nameAfter(figures);
      const read = readLine(ctx, at.code, name, figures, paragraphImplied, p.line, lines.length);
      if (!read) return;
      const { line, budgetImplied } = read;
      if (lines.length >= MAX_LINES) {
        ctx.warn("expenditure.lines", `支出科目超过${MAX_LINES}行，其余已忽略`);
        return;
      }
      if (lines.some((l) => l.code === line.code && l.final === line.final && l.budget === line.budget)) {
        ctx.warn("expenditure.lines", `第${p.line}行重复列出科目${line.code}，已忽略重复项`);
        return;
      }
      if (lines.some((l) => l.code === line.code)) ctx.warn("expenditure.lines", `科目${line.code}出现多次且金额不同，请核对`);
      lines.push(line);
      recordLine(ctx, line, budgetImplied, lines.length - 1, p.line);
    });
  }
}

function readLine(
  ctx: ImportContext,
  code: string,
  name: string,
  figures: string,
  paragraphImplied: boolean,
  sourceLine: number,
  index: number
): { line: ExpenditureLine; budgetImplied: boolean } | null {
  const path = `expenditure.lines[${index}]`;
  const finalMatch = FINAL.exec(figures) ?? FINAL_LOOSE.exec(figures);
  const final = finalMatch ? toWan(finalMatch[1], finalMatch[2]) : null;
  const budgetMatch = BUDGET.exec(figures);
  const budget = budgetMatch ? toWan(budgetMatch[1], budgetMatch[2]) : null;
  const rateMatch = RATE.exec(figures);
  const rate = rateMatch ? cleanDecimal(rateMatch[1]) : null;
  if (!finalMatch && !budgetMatch) return null;
  if (final === null) ctx.warn(`${path}.final`, `第${sourceLine}行科目${code}的决算数无法识别`);
  for (const amount of [final, budget]) {
    if (amount && exceedsStoragePrecision(amount)) ctx.warn(path, `第${sourceLine}行科目${code}的金额超过6位小数（万元）`);
  }

  const line: ExpenditureLine = { code, name: ctx.clip(name, 200, `${path}.name`), budget: null, final };
  let budgetImplied = false;
  if (budget !== null) {
    line.budget = budget;
    if (rate !== null) line.statedRatePct = rate;
  } else if (rate !== null && !new Decimal(rate).eq(100)) {
    line.statedRatePct = rate;
    ctx.warn(`${path}.budget`, `第${sourceLine}行科目${code}写明完成预算${rate}%但未写预算数，预算数暂缺`);
  } else if ((rate !== null || paragraphImplied) && final !== null) {
    line.budget = final;
    budgetImplied = true;
  } else {
    ctx.warn(`${path}.budget`, `第${sourceLine}行科目${code}未写明预算数`);
  }
  return { line, budgetImplied };
}

function recordLine(ctx: ImportContext, line: ExpenditureLine, budgetImplied: boolean, index: number, sourceLine: number): void {
  const path = `expenditure.lines[${index}]`;
  ctx.record(`${path}.code`, sourceLine);
  if (line.name) ctx.record(`${path}.name`, sourceLine);
  if (line.final !== null) ctx.record(`${path}.final`, sourceLine);
  if (line.budget !== null) ctx.record(`${path}.budget`, sourceLine, { guessed: budgetImplied });
  if (line.statedRatePct != null) ctx.record(`${path}.statedRatePct`, sourceLine);
}

/**
 * "一般公共服务（类）群众团体事务（款）行政运行（项）" → 行政运行: the item after the last
 * 类/款 marker, without its own （项）.
 */
export function nameBefore(span: string): string {
  let text = span
    .trim()
    .replace(/^\d{1,2}\s*[.．、](?!\d)\s*/, "")
    .replace(/^[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]\s*/, "")
    .replace(/^(?:其中|包括|以及|及|和|另|含)\s*(?:[:：]\s*)?/, "")
    .replace(/(?:科目|功能科目)?(?:编码|代码)?\s*[（(]?\s*$/, "")
    .replace(/[（(](?:类|款|项)[）)]\s*$/, "");
  let lastMarkerEnd = -1;
  for (const m of text.matchAll(LEVEL_MARKER)) lastMarkerEnd = (m.index ?? 0) + m[0].length;
  if (lastMarkerEnd >= 0) text = text.slice(lastMarkerEnd);
  return text.trim();
}

/** "2012901行政运行：支出决算…" / "（2012901）行政运行：…": the name written after the code. */
function nameAfter(figures: string): string {
  const m = /^\s*(?:[）)]\s*)?([^：:，,；;。\d（()）]{1,60})\s*[（(]?(?:类|款|项)?[）)]?\s*[：:]/.exec(figures);
  return m ? m[1].trim() : "";
}
