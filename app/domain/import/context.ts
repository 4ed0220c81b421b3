/**
 * What every extractor writes into: the document being built, where each value came from,
 * which values were guessed, and the warnings for the user.
 */
import { dec } from "~/domain/money";
import { emptyReport, type ReportDocument } from "~/domain/report";
import { MONEY_UNIT, NUMBER, cleanDecimal, exceedsStoragePrecision, toCount, toWan } from "./numbers";
import type { TextLine } from "./cells";

export interface SourceRef {
  /** 1-based line in the input. */
  line: number;
  text: string;
}

export interface ImportWarning {
  path: string | null;
  /** Simplified Chinese, shown to the unit's staff. */
  message: string;
}

/** Longest source excerpt kept per value: enough to recognise the sentence, bounded for huge lines. */
const MAX_SOURCE_TEXT = 300;

export class ImportContext {
  readonly document: ReportDocument = emptyReport();
  readonly sources: Record<string, SourceRef> = {};
  readonly uncertain: string[] = [];
  readonly warnings: ImportWarning[] = [];

  constructor(private readonly inputLines: ReadonlyArray<string>) {}

  /** The input line as written (trimmed), for SourceRefs and the narrative. */
  lineText(line: number): string {
    return (this.inputLines[line - 1] ?? "").trim();
  }

  /**
   * Record where `path`'s value came from: the line, and its text (or, for a table cell that
   * wraps over several lines, the whole cell). `guessed` puts the path on the uncertain list.
   */
  record(path: string, line: number, options: { guessed?: boolean; text?: string } = {}): void {
    const text = options.text ?? this.lineText(line);
    this.sources[path] = { line, text: text.length > MAX_SOURCE_TEXT ? `${text.slice(0, MAX_SOURCE_TEXT)}…` : text };
    if (options.guessed && !this.uncertain.includes(path)) this.uncertain.push(path);
  }

  warn(path: string | null, message: string): void {
    // Mutated or repetitive input can trigger the same complaint many times; once is enough.
    if (this.warnings.length >= 200) return;
    if (!this.warnings.some((w) => w.path === path && w.message === message)) this.warnings.push({ path, message });
  }

  /** Text cut to the schema's limit, with a warning rather than a rejected document. */
  clip(text: string, max: number, path: string): string {
    if (text.length <= max) return text;
    this.warn(path, `${labelOf(path)}超过${max}个字，已截断`);
    return text.slice(0, max);
  }

  has(path: string): boolean {
    return path in this.sources;
  }
}

/** Chinese names of fields, for warnings. */
const LABELS: Record<string, string> = {
  "unit.name": "单位名称",
  year: "年度",
  "staffing.authorized.total": "核定编制总数",
  "staffing.authorized.admin": "行政编制数",
  "staffing.authorized.institution": "事业编制数",
  "staffing.actual.total": "实有人数",
  "staffing.actual.admin": "实有行政人员数",
  "staffing.actual.institution": "实有事业人员数",
  "staffing.retired": "退休人员数",
  "income.initialBudget": "年初预算",
  "income.adjustedBudget": "调整预算",
  "income.total": "收入总额",
  "income.fiscal": "财政拨款收入",
  "income.other": "其他收入",
  "expenditure.total": "支出决算总额",
  carryover: "结转结余",
  "budgetManagement.statedDeviationPct": "偏离度",
  selfScore: "自评得分",
  selfGrade: "自评等级",
  "targets.totalFunds": "资金总额",
  "targets.fiscal": "财政拨款",
  "targets.other": "其他资金",
  "targets.overallGoal": "年度总体目标",
};

export function labelOf(path: string): string {
  if (LABELS[path]) return LABELS[path];
  if (path.startsWith("projects.recurring")) return "常年项目情况";
  if (path.startsWith("projects.oneOff")) return "一次性项目情况";
  if (path.startsWith("expenditure.lines")) return "支出科目";
  if (path.startsWith("budgetManagement.adjustments")) return "预算调整事项";
  if (path.startsWith("targets.tasks")) return "年度主要任务";
  if (path.startsWith("targets.indicators")) return "绩效指标";
  return path;
}

/** A value found on a line, before it is accepted. */
export interface Found<T> {
  value: T;
  line: number;
}

/**
 * First value the pattern yields over the paragraphs; later different values only warn, since
 * a report that states a figure twice (收入情况 and 预算管理) should state it the same way.
 */
export function pickFirst<T>(
  ctx: ImportContext,
  path: string,
  paragraphs: ReadonlyArray<TextLine>,
  pattern: RegExp,
  convert: (m: RegExpExecArray, line: number) => T | null,
  same: (a: T, b: T) => boolean = (a, b) => a === b
): Found<T> | null {
  let first: Found<T> | null = null;
  for (const p of paragraphs) {
    const m = pattern.exec(p.text);
    if (!m) continue;
    const value = convert(m, p.line);
    if (value === null) continue;
    if (!first) first = { value, line: p.line };
    else if (!same(first.value, value)) {
      ctx.warn(
        path,
        `${labelOf(path)}前后不一致：第${first.line}行为${String(first.value)}，第${p.line}行为${String(value)}，已采用第${first.line}行`
      );
    }
  }
  return first;
}

/** Connectors between a keyword and its figure: 为、是、共计、： … */
const LINK = String.raw`(?:为|是|共计|共有|共|合计|达到|达)?\s*(?:[:：]\s*)?`;

/** `keyword … 123.45万元` → the amount in 万元. */
export function amountPattern(keyword: string): RegExp {
  return new RegExp(keyword + LINK + NUMBER + MONEY_UNIT);
}
/** `keyword … 26.33%` → the percent. */
export function percentPattern(keyword: string): RegExp {
  return new RegExp(keyword + LINK + NUMBER + String.raw`\s*%`);
}
/** `keyword … 24名` → the count. */
export function countPattern(keyword: string, units = "名|人|个"): RegExp {
  return new RegExp(keyword + LINK + String.raw`(\d+)\s*(?:${units})`);
}

/** Converters for `pickFirst`, warning about figures that cannot be kept. */
export function amountFrom(ctx: ImportContext, path: string) {
  return (m: RegExpExecArray, line: number): string | null => {
    const value = toWan(m[m.length - 2], m[m.length - 1]);
    if (value === null) ctx.warn(path, `第${line}行的${labelOf(path)}数值无法识别或过大，已忽略`);
    else if (exceedsStoragePrecision(value)) ctx.warn(path, `第${line}行的${labelOf(path)}超过6位小数（万元）`);
    return value;
  };
}
export function percentFrom(ctx: ImportContext, path: string) {
  return (m: RegExpExecArray, line: number): string | null => {
    const value = cleanDecimal(m[m.length - 1]);
    if (value === null) ctx.warn(path, `第${line}行的${labelOf(path)}数值无法识别或过大，已忽略`);
    return value;
  };
}
export function countFrom(ctx: ImportContext, path: string) {
  return (m: RegExpExecArray, line: number): number | null => {
    const value = toCount(m[m.length - 1]);
    if (value === null) ctx.warn(path, `第${line}行的${labelOf(path)}过大，已忽略`);
    return value;
  };
}

/** Amounts are equal when they denote the same number ("9.30" and "9.3"). */
export function sameDecimal(a: string, b: string): boolean {
  const x = dec(a);
  const y = dec(b);
  return a === b || (x !== null && y !== null && x.eq(y));
}
