/**
 * What every extractor writes into: the document being built, where each value came from,
 * which values were guessed, and the warnings for the user.
 */
import { dec } from "~/domain/money";
import { emptyReport, type ReportDocument } from "~/domain/report";
import { fieldLabel } from "~/domain/vocabulary";
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
    this.warn(path, `${fieldLabel(path)}超过${max}个字，已截断`);
    return text.slice(0, max);
  }

  has(path: string): boolean {
    return path in this.sources;
  }
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
        `${fieldLabel(path)}前后不一致：第${first.line}行为${String(first.value)}，第${p.line}行为${String(value)}，已采用第${first.line}行`
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
    if (value === null) ctx.warn(path, `第${line}行的${fieldLabel(path)}数值无法识别或过大，已忽略`);
    else if (exceedsStoragePrecision(value)) ctx.warn(path, `第${line}行的${fieldLabel(path)}超过6位小数（万元）`);
    return value;
  };
}
export function percentFrom(ctx: ImportContext, path: string) {
  return (m: RegExpExecArray, line: number): string | null => {
    const value = cleanDecimal(m[m.length - 1]);
    if (value === null) ctx.warn(path, `第${line}行的${fieldLabel(path)}数值无法识别或过大，已忽略`);
    return value;
  };
}
export function countFrom(ctx: ImportContext, path: string) {
  return (m: RegExpExecArray, line: number): number | null => {
    const value = toCount(m[m.length - 1]);
    if (value === null) ctx.warn(path, `第${line}行的${fieldLabel(path)}过大，已忽略`);
    return value;
  };
}

/** Amounts are equal when they denote the same number ("9.30" and "9.3"). */
export function sameDecimal(a: string, b: string): boolean {
  const x = dec(a);
  const y = dec(b);
  return a === b || (x !== null && y !== null && x.eq(y));
}
