/**
 * Narrative section splitter: the report's outline 一、… / （一）… / 1. … as a tree of
 * sections, each holding its paragraphs (one input line each).
 */
import type { TextLine } from "./cells";

export type HeadingLevel = 1 | 2 | 3;

export interface Heading {
  level: HeadingLevel;
  /** The numbering as written: 一 / 一 / 1. */
  marker: string;
  /** Short title, e.g. 收入情况; "" when the numbered line is a running sentence. */
  title: string;
  /** What follows the title on the heading line. */
  body: string;
}

export interface Section {
  heading: Heading;
  line: number;
  /** Paragraphs under the heading, before and between sub-sections (sub-section text excluded). */
  paragraphs: TextLine[];
  children: Section[];
}

export interface Outline {
  /** Lines before the first heading: the report title and any preface. */
  preamble: TextLine[];
  sections: Section[];
  /** From the first 附表 / 附件 line on: captions and notes around the table, not narrative. */
  appendix: TextLine[];
}

const CHINESE_NUMERAL = "[一二三四五六七八九十]{1,3}";
const LEVEL_1 = new RegExp(`^(${CHINESE_NUMERAL})\\s*[、.．]\\s*(.*)$`);
const LEVEL_2 = new RegExp(`^[（(]\\s*(${CHINESE_NUMERAL})\\s*[）)]\\s*(.*)$`);
// "1." but not "1.5万元"; "（1）" counts as the third level too.
const LEVEL_3 = /^(\d{1,2})\s*[.．、](?!\d)\s*(.*)$/;
const LEVEL_3_PAREN = /^[（(]\s*(\d{1,2})\s*[）)]\s*(.*)$/;
const APPENDIX = /^(?:附表|附件)/;

/** Longest run of text before 。or ： that still reads as a title rather than a sentence. */
const MAX_TITLE_LENGTH = 30;

export function parseHeading(text: string): Heading | null {
  // Web exports end each cell with " |" (报表 pages): not part of the title. (Tested with
  // endsWith first: /\s*\|$/ alone would rescan every run of blanks, quadratic on long lines.)
  const whole = text.trim();
  const trimmed = whole.endsWith("|") ? whole.slice(0, -1).trimEnd() : whole;
  const l1 = LEVEL_1.exec(trimmed);
  if (l1) return heading(1, l1[1], l1[2]);
  const l2 = LEVEL_2.exec(trimmed);
  if (l2) return heading(2, l2[1], l2[2]);
  const l3 = LEVEL_3.exec(trimmed) ?? LEVEL_3_PAREN.exec(trimmed);
  if (l3) return heading(3, l3[1], l3[2]);
  return null;
}

function heading(level: HeadingLevel, marker: string, rest: string): Heading {
  // Text copied from web pages often has ASCII punctuation (人员编制:…, 4个,…).
  const stop = firstIndexOf(rest, ["。", "：", ":"], MAX_TITLE_LENGTH + 1);
  if (stop >= 0) return { level, marker, title: rest.slice(0, stop).trim(), body: rest.slice(stop + 1).trim() };
  if (rest.length <= MAX_TITLE_LENGTH + 10 && !/[，；,;]/.test(rest)) return { level, marker, title: rest.trim(), body: "" };
  return { level, marker, title: "", body: rest.trim() };
}

function firstIndexOf(text: string, needles: string[], limit: number): number {
  let best = -1;
  for (const needle of needles) {
    const at = text.indexOf(needle);
    if (at >= 0 && at < limit && (best < 0 || at < best)) best = at;
  }
  return best;
}

export function splitSections(lines: ReadonlyArray<TextLine>): Outline {
  const outline: Outline = { preamble: [], sections: [], appendix: [] };
  const open: Section[] = [];
  for (const line of lines) {
    if (outline.appendix.length > 0 || APPENDIX.test(line.text)) {
      outline.appendix.push(line);
      continue;
    }
    const h = parseHeading(line.text);
    if (!h) {
      const current = open[open.length - 1];
      (current ? current.paragraphs : outline.preamble).push(line);
      continue;
    }
    // A "1." before any 一、 or （一） is still a section, just a top-level one.
    while (open.length > 0 && open[open.length - 1].heading.level >= h.level) open.pop();
    const section: Section = { heading: h, line: line.line, paragraphs: [], children: [] };
    const parent = open[open.length - 1];
    (parent ? parent.children : outline.sections).push(section);
    open.push(section);
  }
  return outline;
}

/**
 * The section's text as written (via `lineText`, so the caller picks raw or normalised text):
 * the heading line's body, then every line under it — sub-headings included — one per line.
 */
export function sectionText(section: Section, lineText: (line: number) => string): string {
  const lines: number[] = [];
  const collect = (s: Section) => {
    for (const p of s.paragraphs) lines.push(p.line);
    for (const child of s.children) {
      lines.push(child.line);
      collect(child);
    }
  };
  collect(section);
  lines.sort((a, b) => a - b);
  // Re-read the heading line through `lineText` so its body is in the caller's form too.
  const body = parseHeading(lineText(section.line))?.body ?? section.heading.body;
  const parts = body ? [body] : [];
  for (const line of lines) parts.push(lineText(line));
  return parts.join("\n");
}

/** Depth-first search for the first section whose heading satisfies `test`. */
export function findSection(sections: ReadonlyArray<Section>, test: (h: Heading) => boolean): Section | null {
  for (const section of sections) {
    if (test(section.heading)) return section;
    const inner = findSection(section.children, test);
    if (inner) return inner;
  }
  return null;
}
