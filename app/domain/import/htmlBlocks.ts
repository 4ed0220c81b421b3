/**
 * The import's one HTML reader: mammoth's HTML of a .docx (docx.ts) and saved web pages
 * (html.ts) both go through `parseHtml` (tokens → a small tree) and `walkBlocks` (tree →
 * paragraphs and tables, flat.ts). No DOM library: we need little of HTML, and every loop here
 * is bounded by what it has counted.
 *
 * Hostile input: the parser counts elements, tags, table cells and nesting depth while it
 * scans, and throws LimitExceeded (a Chinese message naming the limit) before the tree grows
 * past them. Nothing recurses on the input's depth — every walk uses an explicit stack.
 *
 * Tables follow flat.ts: a rowspan writes its text in its first row and a lone "" slot in each
 * row below, a colspan stays one cell. A table inside a data table's cell becomes lines of that
 * cell (one per row, its cells separated by spaces), as Word's text extraction shows it; a saved
 * page's layout tables (html.ts decides which) are read as plain containers instead.
 */
import type { FlatBlock } from "./flat";
import { LimitExceeded } from "./zip";

// ---------------------------------------------------------------------------------------------
// Limits for a saved page. mammoth's HTML is not limited here: docx.ts has counted the Word
// parts it comes from (limits.ts).

/** Elements of one page. A government article page has 2k–5k, a long report saved from Word
 * (a span per run) up to ~50k; each costs ~200 bytes of tree. */
export const MAX_HTML_ELEMENTS = 200_000;
/** Open elements inside one another. Chrome's own parser stops nesting at 512. */
export const MAX_HTML_DEPTH = 512;
/** Table cells (td/th) of one page; a real 自评表 has a few hundred. */
export const MAX_HTML_TABLE_CELLS = 100_000;
/** Characters of text between the tags (the flattened text of more than 2 MB is refused by
 * the parser anyway; a report page holds well under 200k). */
export const MAX_HTML_TEXT_CHARS = 4_000_000;
/** Slots written for tables, cells plus the rows' rowspan bookkeeping (a row of 5 000 cells
 * spanning 1 000 rows each would write five million). */
export const MAX_HTML_TABLE_SLOTS = 1_000_000;

export interface HtmlLimits {
  elements: number;
  depth: number;
  cells: number;
  slots: number;
  text: number;
}

export const PAGE_LIMITS: HtmlLimits = {
  elements: MAX_HTML_ELEMENTS,
  depth: MAX_HTML_DEPTH,
  cells: MAX_HTML_TABLE_CELLS,
  slots: MAX_HTML_TABLE_SLOTS,
  text: MAX_HTML_TEXT_CHARS,
};

const UNLIMITED: HtmlLimits = { elements: Infinity, depth: Infinity, cells: Infinity, slots: Infinity, text: Infinity };

// ---------------------------------------------------------------------------------------------
// Tokens → tree

export interface ElementNode {
  tag: string;
  /** Only the attributes we read (KEPT_ATTRIBUTES), names lowercased. */
  attrs: Record<string, string>;
  children: HtmlNode[];
  parent: ElementNode | null;
}
export type HtmlNode = ElementNode | string;

const VOID_TAGS = new Set([
  "br", "img", "hr", "col", "input", "meta", "link", "wbr", "area", "base", "embed", "param",
  "source", "track", "keygen", "basefont", "bgsound", "frame", "spacer", "isindex",
]);
/** Elements whose content is not markup (read to their end tag and dropped). */
const RAW_TEXT_TAGS = new Set(["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "template"]);
const KEPT_ATTRIBUTES = new Set(["class", "id", "colspan", "rowspan", "href"]);
/** Opening one of these closes an open <p> (HTML's implied end tags). */
const CLOSES_P = new Set([
  "p", "div", "table", "ul", "ol", "dl", "li", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
  "blockquote", "section", "article", "header", "footer", "nav", "aside", "form", "hr", "address",
  "figure", "figcaption", "main", "center", "details", "fieldset", "menu", "dir", "hgroup", "listing",
]);
const TABLE_SECTIONS = new Set(["thead", "tbody", "tfoot"]);
const TABLE_PARTS = new Set(["table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup"]);
/** A search for an element to close stops at these (a </div> inside a cell cannot close a div
 * around the table). */
const SCOPE_BOUNDARY = new Set(["table", "td", "th", "caption", "button", "#root"]);
export const HEADINGS = new Set(["h1", "h2", "h3", "h4", "h5", "h6"]);

/**
 * Parses HTML leniently, as a browser would for the cases real pages have: unquoted and
 * single-quoted attributes, implied end tags (p, li, dd/dt, tr, td/th, table sections),
 * closers that match nothing, raw-text elements, comments, Word's conditional comments and
 * namespaced tags (o:p). Throws LimitExceeded past a limit; nothing else.
 */
export function parseHtml(html: string, limits: HtmlLimits = UNLIMITED): HtmlNode[] {
  const root: ElementNode = { tag: "#root", attrs: {}, children: [], parent: null };
  const stack: ElementNode[] = [root];
  // Open elements by tag: in all, inside the innermost scope boundary (td, table …) and inside
  // the innermost table. A closer or implied end whose element is not open where its search
  // would stop is dropped at once, so no tag scans the stack in vain: every scan ends at an
  // element it then closes, which keeps the parse linear whatever the nesting.
  const openCount = new Map<string, number>();
  const scopes: Array<Map<string, number>> = [new Map()];
  /** Stack indices of the scope boundaries open (the owners of scopes[1…]). */
  const boundaries: number[] = [];
  const tableScopes: Array<Map<string, number>> = [new Map()];
  /** Stack indices of the open tables. */
  const tables: number[] = [];
  let elements = 0;
  let tags = 0;
  let cells = 0;
  let textChars = 0;

  const refuse = (message: string): never => {
    throw new LimitExceeded(message);
  };
  const tooMany = () => refuse(`网页元素过多（超过 ${limits.elements} 个），疑似异常文件，已拒绝`);
  const top = () => stack[stack.length - 1];
  const count = (map: Map<string, number>, tag: string, by: number) => map.set(tag, (map.get(tag) ?? 0) + by);
  const push = (element: ElementNode) => {
    if (stack.length > limits.depth) refuse(`网页结构嵌套过深（超过 ${limits.depth} 层），疑似异常文件，已拒绝`);
    const tag = element.tag;
    count(openCount, tag, 1);
    count(scopes[scopes.length - 1], tag, 1);
    count(tableScopes[tableScopes.length - 1], tag, 1);
    if (tag === "table") {
      tables.push(stack.length);
      tableScopes.push(new Map());
    }
    if (SCOPE_BOUNDARY.has(tag)) {
      boundaries.push(stack.length);
      scopes.push(new Map());
    }
    stack.push(element);
  };
  /** Closes the elements above `index` and the one at it. */
  const popTo = (index: number) => {
    while (stack.length > index) {
      const tag = stack.pop()!.tag;
      if (SCOPE_BOUNDARY.has(tag)) {
        scopes.pop();
        boundaries.pop();
      }
      if (tag === "table") {
        tables.pop();
        tableScopes.pop();
      }
      count(openCount, tag, -1);
      count(scopes[scopes.length - 1], tag, -1);
      count(tableScopes[tableScopes.length - 1], tag, -1);
    }
  };
  /** The stack index of the innermost open `tag` found before a `stop` element, or -1. */
  const findOpen = (matches: (tag: string) => boolean, stop: (tag: string) => boolean): number => {
    for (let i = stack.length - 1; i > 0; i--) {
      const tag = stack[i].tag;
      if (matches(tag)) return i;
      if (stop(tag)) return -1;
    }
    return -1;
  };
  const isOpen = (tag: string) => (openCount.get(tag) ?? 0) > 0;
  /** Open inside the innermost scope boundary (a search stopping at one can find it). */
  const inScope = (tag: string) => (scopes[scopes.length - 1].get(tag) ?? 0) > 0;
  /** Open inside the innermost table. */
  const inTable = (tag: string) => (tableScopes[tableScopes.length - 1].get(tag) ?? 0) > 0;
  const addText = (text: string) => {
    if (text === "") return;
    textChars += text.length;
    if (textChars > limits.text) refuse(`网页文字过多（超过 ${limits.text / 10_000} 万字），不像一份绩效自评报告，已拒绝`);
    const siblings = top().children;
    const last = siblings.length - 1;
    if (last >= 0 && typeof siblings[last] === "string") siblings[last] += decodeEntities(text);
    else siblings.push(decodeEntities(text));
  };
  const append = (tag: string, attrs: Record<string, string>): ElementNode => {
    if (++elements > limits.elements) tooMany();
    const element: ElementNode = { tag, attrs, children: [], parent: top() };
    top().children.push(element);
    return element;
  };

  /** The end tags a start tag implies, as a browser's tree builder applies them. */
  const implyEnds = (tag: string) => {
    if (CLOSES_P.has(tag) && inScope("p")) {
      const at = findOpen((t) => t === "p", (t) => SCOPE_BOUNDARY.has(t));
      if (at > 0) popTo(at);
    }
    // (A list item's or definition's search may stop at its list; the item opened then is the
    // next one's match at the top of the stack.)
    if (tag === "li" && inScope("li")) {
      const at = findOpen((t) => t === "li", (t) => t === "ul" || t === "ol" || SCOPE_BOUNDARY.has(t));
      if (at > 0) popTo(at);
    }
    if ((tag === "dd" || tag === "dt") && (inScope("dd") || inScope("dt"))) {
      const at = findOpen((t) => t === "dd" || t === "dt", (t) => t === "dl" || SCOPE_BOUNDARY.has(t));
      if (at > 0) popTo(at);
    }
    if (!TABLE_SECTIONS.has(tag) && tag !== "tr" && tag !== "td" && tag !== "th") return;
    if (tables.length === 0) return;
    const table = tables[tables.length - 1];
    const sectionAt = stack[table + 1] && TABLE_SECTIONS.has(stack[table + 1].tag) ? table + 1 : -1;
    if (TABLE_SECTIONS.has(tag)) {
      popTo(table + 1);
    } else if (tag === "tr") {
      popTo(sectionAt > 0 ? sectionAt + 1 : table + 1);
    } else {
      // A cell closes the open cell of its row; without an open row, it opens one.
      const rowAt = sectionAt > 0 ? (stack[sectionAt + 1]?.tag === "tr" ? sectionAt + 1 : -1) : stack[table + 1]?.tag === "tr" ? table + 1 : -1;
      if (rowAt > 0) popTo(rowAt + 1);
      else {
        popTo(sectionAt > 0 ? sectionAt + 1 : table + 1);
        push(append("tr", {}));
      }
    }
  };

  const close = (tag: string) => {
    if (!isOpen(tag)) return;
    let at = -1;
    if (tag === "table") at = tables[tables.length - 1];
    else if (TABLE_PARTS.has(tag)) at = inTable(tag) ? findOpen((t) => t === tag, (t) => t === "table") : -1;
    else if (inScope(tag)) at = findOpen((t) => t === tag, (t) => SCOPE_BOUNDARY.has(t));
    else if (boundaries.length > 0 && stack[boundaries[boundaries.length - 1]].tag === tag) at = boundaries[boundaries.length - 1]; // </button>
    if (at > 0) popTo(at);
  };

  const n = html.length;
  let at = 0;
  while (at < n) {
    const lt = html.indexOf("<", at);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > at) addText(html.slice(at, textEnd));
    if (lt < 0) break;
    const next = html.charCodeAt(lt + 1);
    if (next === 0x21 /* ! */) {
      if (++tags > 2 * limits.elements) tooMany();
      // A comment to its end; a doctype, CDATA or Word's <![if …]> to the next ">".
      if (html.startsWith("<!--", lt)) {
        const end = html.indexOf("-->", lt + 4);
        at = end < 0 ? n : end + 3;
      } else {
        const end = html.indexOf(">", lt + 2);
        at = end < 0 ? n : end + 1;
      }
      continue;
    }
    if (next === 0x3f /* ? */) {
      const end = html.indexOf(">", lt + 2);
      at = end < 0 ? n : end + 1;
      continue;
    }
    const closing = next === 0x2f; /* / */
    const nameStart = closing ? lt + 2 : lt + 1;
    if (!isLetter(html.charCodeAt(nameStart))) {
      if (closing) {
        // "</ junk>": a bogus comment.
        const end = html.indexOf(">", lt + 2);
        at = end < 0 ? n : end + 1;
      } else {
        addText("<");
        at = lt + 1;
      }
      continue;
    }
    let nameEnd = nameStart;
    while (nameEnd < n && !isNameEnd(html.charCodeAt(nameEnd))) nameEnd++;
    const tag = html.slice(nameStart, nameEnd).toLowerCase();
    const parsed = readTagRest(html, nameEnd, !closing);
    if (!parsed) {
      // No ">" before the end: the rest is text (a browser would drop it; we keep the words).
      addText(html.slice(lt));
      break;
    }
    at = parsed.end;
    if (++tags > 2 * limits.elements) tooMany();

    if (closing) {
      if (tag === "br") append("br", {}); // </br> is a line break to browsers too
      else close(tag);
      continue;
    }
    implyEnds(tag);
    if (tag === "td" || tag === "th") {
      if (++cells > limits.cells) refuse(`网页表格单元格过多（超过 ${limits.cells} 个），疑似异常文件，已拒绝`);
    }
    const element = append(tag, parsed.attrs);
    if (VOID_TAGS.has(tag) || parsed.selfClosing) continue;
    if (RAW_TEXT_TAGS.has(tag)) {
      at = rawTextEnd(html, at, tag);
      continue;
    }
    push(element);
  }
  return root.children;
}

function isLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

function isNameEnd(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x0c || code === 0x2f || code === 0x3e;
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x0c;
}

/**
 * From after a tag's name to after its ">": the kept attributes, and whether it ends in "/>".
 * Quotes count only around an attribute's value; an unterminated quote falls back to the
 * first ">" (what a careless page meant). Null when there is no ">" at all.
 */
function readTagRest(html: string, from: number, wantAttributes: boolean): { end: number; attrs: Record<string, string>; selfClosing: boolean } | null {
  const attrs: Record<string, string> = {};
  const n = html.length;
  let i = from;
  let selfClosing = false;
  while (i < n) {
    const c = html.charCodeAt(i);
    if (c === 0x3e) return { end: i + 1, attrs, selfClosing };
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 0x2f) {
      selfClosing = html.charCodeAt(i + 1) === 0x3e;
      i++;
      continue;
    }
    selfClosing = false;
    const nameStart = i;
    while (i < n && !isSpace(html.charCodeAt(i)) && html[i] !== "=" && html[i] !== ">" && !(html[i] === "/" && html[i + 1] === ">")) i++;
    const name = html.slice(nameStart, i).toLowerCase();
    let j = i;
    while (j < n && isSpace(html.charCodeAt(j))) j++;
    let value = "";
    if (html[j] === "=") {
      j++;
      while (j < n && isSpace(html.charCodeAt(j))) j++;
      const quote = html[j];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, j + 1);
        if (close < 0) {
          const gt = html.indexOf(">", from);
          return gt < 0 ? null : { end: gt + 1, attrs, selfClosing: false };
        }
        value = html.slice(j + 1, close);
        j = close + 1;
      } else {
        const start = j;
        while (j < n && !isSpace(html.charCodeAt(j)) && html[j] !== ">") j++;
        value = html.slice(start, j);
      }
      i = j;
    }
    if (wantAttributes && KEPT_ATTRIBUTES.has(name) && !(name in attrs)) attrs[name] = decodeEntities(value.slice(0, 256));
  }
  return null;
}

const rawTextEnds = new Map<string, RegExp>();

/** After a raw-text element's end tag (or the end of the input). */
function rawTextEnd(html: string, from: number, tag: string): number {
  let pattern = rawTextEnds.get(tag);
  if (!pattern) {
    pattern = new RegExp(`</${tag}[\\s/>]`, "gi");
    rawTextEnds.set(tag, pattern);
  }
  pattern.lastIndex = from;
  const match = pattern.exec(html);
  if (!match) return html.length;
  const gt = html.indexOf(">", match.index);
  return gt < 0 ? html.length : gt + 1;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", ensp: " ", emsp: " ", thinsp: " ",
  ldquo: "“", rdquo: "”", lsquo: "‘", rsquo: "’", sbquo: "‚", bdquo: "„", laquo: "«", raquo: "»",
  lsaquo: "‹", rsaquo: "›", mdash: "—", ndash: "–", hellip: "…", middot: "·", bull: "•",
  times: "×", divide: "÷", plusmn: "±", le: "≤", ge: "≥", ne: "≠", asymp: "≈", minus: "−",
  deg: "°", permil: "‰", percnt: "%", yen: "¥", cent: "¢", pound: "£", euro: "€", copy: "©",
  reg: "®", trade: "™", sect: "§", para: "¶", micro: "µ", sup1: "¹", sup2: "²", sup3: "³",
  frac12: "½", frac14: "¼", frac34: "¾", rarr: "→", larr: "←", uarr: "↑", darr: "↓",
  shy: "", zwj: "", zwnj: "", lrm: "", rlm: "", AMP: "&", LT: "<", GT: ">", QUOT: '"',
};
/** Named references browsers also read without the semicolon. */
const LEGACY_ENTITIES = new Set(["amp", "lt", "gt", "quot", "nbsp", "copy", "reg", "AMP", "LT", "GT", "QUOT"]);

export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#[xX][0-9a-fA-F]{1,8}|#[0-9]{1,10}|[a-zA-Z][a-zA-Z0-9]{0,31})(;?)/g, (whole, name: string, semicolon: string) => {
    if (name.startsWith("#")) {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "";
    }
    const value = NAMED_ENTITIES[name];
    if (value === undefined || (!semicolon && !LEGACY_ENTITIES.has(name))) return whole;
    return value;
  });
}

// ---------------------------------------------------------------------------------------------
// Tree → blocks

const BLOCK_TAGS = new Set([
  "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "div", "blockquote", "pre",
  "dl", "dt", "dd", "section", "article", "header", "footer", "caption", "figure", "figcaption",
  "thead", "tbody", "tfoot", "tr", "td", "th", "table", "main", "nav", "aside", "address",
  "center", "fieldset", "legend", "details", "summary", "hgroup", "form", "menu", "dir", "body",
  "html", "listing", "option",
]);

export type TableKind = "data" | "layout" | "meta";

export interface WalkOptions {
  /** A saved web page: source whitespace collapses as a browser shows it, lines are trimmed. */
  page?: boolean;
  /** Elements left out with everything inside them. */
  skip?: (element: ElementNode) => boolean;
  /** How to read a table (default "data"): a grid, a container of blocks (a page's layout
   * table), or label/value pairs as lines (a page's 索引号/发布机构 box). */
  tableKind?: (table: ElementNode) => TableKind;
  /** Each physical line of a paragraph or cell, returning null to drop it. */
  filterLine?: (line: string) => string | null;
  /** Only what lies from `from` (inclusive) to the end of `to`, in document order; `from`
   * must come before `to` or contain it. */
  range?: { from: ElementNode; to: ElementNode };
  limits?: HtmlLimits;
}

/** Source whitespace holding a line break, until a paragraph's text is finished (private use). */
const SEGMENT_BREAK = "\uE001";
const WIDE = /[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u3000-\u303f]/;

/** Collects paragraphs: into blocks (the document) or into lines (a cell). */
class LineSink {
  buffer = "";
  constructor(
    readonly line: (text: string) => void,
    readonly table: (rows: string[][]) => void,
  ) {}
}

/** A data table being read: its grid and the row being filled. */
class TableSink {
  row: ElementNode | null = null;
  constructor(
    readonly element: ElementNode,
    readonly grid: Grid,
  ) {}
}

type Sink = LineSink | TableSink;
type Frame = { node: HtmlNode } | { exit: () => void };

function span(value: string | undefined): number {
  const n = Number.parseInt(value ?? "1", 10);
  return Number.isFinite(n) && n >= 1 ? Math.min(n, 1000) : 1;
}

/**
 * A table's rows of cell texts, with a lone "" slot in every row a rowspan covers — where
 * Word's text extraction shows the merged cell's continuation.
 */
class Grid {
  // Grid columns still covered by a rowspan from above: start column → rows left and width.
  private covered = new Map<number, { rowsLeft: number; width: number }>();
  private cells: Array<{ text: string; width: number; height: number }> = [];
  private slots = 0;
  readonly rows: string[][] = [];

  constructor(private readonly maxSlots: number) {}

  startRow(): void {
    this.cells = [];
  }

  addCell(text: string, colspan: string | undefined, rowspan: string | undefined): void {
    this.cells.push({ text, width: span(colspan), height: span(rowspan) });
  }

  endRow(): void {
    const { covered } = this;
    const row: string[] = [];
    const started = new Map<number, { rowsLeft: number; width: number }>();
    let column = 0;
    const skipCovered = () => {
      for (let slot = covered.get(column); slot; slot = covered.get(column)) {
        row.push("");
        column += slot.width;
      }
    };
    for (const cell of this.cells) {
      skipCovered(); // a cell starts at the first column not covered from above
      row.push(cell.text);
      if (cell.height > 1) started.set(column, { rowsLeft: cell.height - 1, width: cell.width });
      column += cell.width;
    }
    // Covered slots after the row's last cell.
    for (const start of [...covered.keys()].sort((a, b) => a - b)) {
      if (start < column) continue;
      row.push("");
      column = start + covered.get(start)!.width;
    }
    this.slots += row.length + covered.size;
    if (this.slots > this.maxSlots) {
      throw new LimitExceeded(`网页表格过大（单元格和合并展开后超过 ${this.maxSlots} 格），疑似异常文件，已拒绝`);
    }
    for (const [start, slot] of covered) if (--slot.rowsLeft <= 0) covered.delete(start);
    for (const [start, slot] of started) covered.set(start, slot);
    if (row.length > 0) this.rows.push(row);
    this.cells = [];
  }
}

/** Whether `element` sits in `table`'s own structure (through thead/tbody/tfoot only). */
function inTableStructure(element: ElementNode, table: ElementNode): boolean {
  let parent = element.parent;
  while (parent && TABLE_SECTIONS.has(parent.tag)) parent = parent.parent;
  return parent === table;
}

/** Pre-order numbers of elements, for range checks (`last` is the highest in the subtree). */
function numberElements(roots: readonly HtmlNode[]): Map<ElementNode, { order: number; last: number }> {
  const numbers = new Map<ElementNode, { order: number; last: number }>();
  let order = 0;
  const stack: Array<{ element: ElementNode; exit: boolean }> = [];
  for (let i = roots.length - 1; i >= 0; i--) {
    const node = roots[i];
    if (typeof node !== "string") stack.push({ element: node, exit: false });
  }
  while (stack.length > 0) {
    const { element, exit } = stack.pop()!;
    if (exit) {
      numbers.get(element)!.last = order - 1;
      continue;
    }
    numbers.set(element, { order: order++, last: 0 });
    stack.push({ element, exit: true });
    for (let i = element.children.length - 1; i >= 0; i--) {
      const child = element.children[i];
      if (typeof child !== "string") stack.push({ element: child, exit: false });
    }
  }
  return numbers;
}

/** Walks nodes into blocks: each paragraph a line block, each data table a table block. */
export function walkBlocks(roots: readonly HtmlNode[], options: WalkOptions = {}): FlatBlock[] {
  const page = options.page === true;
  const limits = options.limits ?? UNLIMITED;
  const blocks: FlatBlock[] = [];
  const document = new LineSink(
    (text) => blocks.push({ kind: "line", text }),
    (rows) => blocks.push({ kind: "table", rows }),
  );
  const sinks: Sink[] = [document];
  let preformatted = 0;

  const range = options.range;
  const numbers = range ? numberElements(roots) : null;
  const fromNumber = range ? numbers!.get(range.from) : undefined;
  let started = !range;
  let ended = false;
  /** Whether an element lies wholly outside the range (it is skipped). */
  const outside = (element: ElementNode): boolean => {
    if (ended) return true;
    if (started || !fromNumber) return false;
    const own = numbers!.get(element);
    return !own || !(own.order <= fromNumber.order && fromNumber.order <= own.last);
  };

  const lineSink = (): LineSink => {
    for (let i = sinks.length - 1; i >= 0; i--) {
      const sink = sinks[i];
      if (sink instanceof LineSink) return sink;
    }
    return document;
  };

  const finishText = (raw: string): string | null => {
    let text = raw;
    if (page) {
      text = text
        .replace(/[ \uE001]*\uE001[ \uE001]*/g, (run, offset: number, whole: string) => {
          // A line break in the source between Chinese characters is no space (CSS Text's
          // segment break rule); elsewhere it is one.
          const before = whole[offset - 1] ?? "";
          const after = whole[offset + run.length] ?? "";
          return WIDE.test(before) || WIDE.test(after) ? "" : " ";
        })
        .replace(/ {2,}/g, " ");
    }
    let lines = text.split("\n");
    if (page) lines = lines.map((line) => line.trim());
    if (options.filterLine) {
      const kept: string[] = [];
      for (const line of lines) {
        if (line.trim() === "") continue;
        const filtered = options.filterLine(line);
        if (filtered !== null && filtered.trim() !== "") kept.push(filtered);
      }
      lines = kept;
    }
    const joined = lines.join("\n");
    return joined.trim() === "" ? null : joined;
  };

  const flush = (sink: LineSink = lineSink()) => {
    if (sink.buffer === "") return;
    const text = sink.buffer.trim() === "" ? null : finishText(sink.buffer);
    sink.buffer = "";
    if (text !== null) sink.line(text);
  };

  const addText = (raw: string) => {
    let text = raw;
    if (page) {
      text = text.replace(/[\uE000-\uE001]/g, "").replace(/\u00a0/g, " ");
      text = preformatted > 0 ? text.replace(/\r\n?/g, "\n") : text.replace(/[ \t\n\r\f]+/g, (run) => (/[\n\r]/.test(run) ? SEGMENT_BREAK : " "));
    }
    lineSink().buffer += text;
  };

  /** Rows as lines: a metadata box's label/value pairs, or a table nested in a cell. */
  const rowLines = (rows: string[][], kind: TableKind): string[] => {
    const lines: string[] = [];
    for (const row of rows) {
      const cells = row.map((c) => c.replace(/\n/g, " ").trim());
      if (kind === "meta") {
        for (let i = 0; i < cells.length; i++) {
          const cell = cells[i];
          if (cell === "") continue;
          if (/[:：]$/.test(cell) || (i + 1 < cells.length && META_LABEL.test(cell))) {
            const value = cells[i + 1] ?? "";
            lines.push(`${cell.replace(/\s*[:：]$/, "")}：${value}`);
            i++;
          } else {
            lines.push(cell);
          }
        }
      } else {
        const text = cells.filter((c) => c !== "").join(" ");
        if (text !== "") lines.push(text);
      }
    }
    return lines;
  };

  const stack: Frame[] = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push({ node: roots[i] });
  const pushChildren = (element: ElementNode) => {
    for (let i = element.children.length - 1; i >= 0; i--) stack.push({ node: element.children[i] });
  };
  /** A container: its text is paragraphs of its own. */
  const asBlock = (element: ElementNode, sink?: LineSink) => {
    flush();
    if (sink) sinks.push(sink);
    const pre = element.tag === "pre" || element.tag === "listing";
    if (pre) preformatted++;
    stack.push({
      exit: () => {
        flush();
        if (pre) preformatted--;
        if (sink) sinks.pop();
      },
    });
    pushChildren(element);
  };

  while (stack.length > 0) {
    const frame = stack.pop()!;
    if ("exit" in frame) {
      frame.exit();
      continue;
    }
    const node = frame.node;
    const top = sinks[sinks.length - 1];

    if (typeof node === "string") {
      if (!started || ended) continue;
      // Text between a data table's rows or cells: a browser shows it before the table.
      if (top instanceof TableSink && !page) continue;
      addText(node);
      continue;
    }
    if (outside(node) || options.skip?.(node)) continue;
    if (range && node === range.from) started = true;
    if (range && node === range.to) stack.push({ exit: () => (ended = true) });
    const tag = node.tag;

    if (top instanceof TableSink) {
      if (TABLE_SECTIONS.has(tag) && inTableStructure(node, top.element)) {
        pushChildren(node);
      } else if (tag === "tr" && inTableStructure(node, top.element)) {
        top.row = node;
        top.grid.startRow();
        stack.push({
          exit: () => {
            top.grid.endRow();
            top.row = null;
          },
        });
        pushChildren(node);
      } else if ((tag === "td" || tag === "th") && top.row !== null && node.parent === top.row) {
        const lines: string[] = [];
        const cell = new LineSink(
          (text) => lines.push(text),
          (rows) => lines.push(...rowLines(rows, "data")),
        );
        sinks.push(cell);
        stack.push({
          exit: () => {
            flush(cell);
            sinks.pop();
            top.grid.addCell(lines.join("\n"), node.attrs.colspan, node.attrs.rowspan);
          },
        });
        pushChildren(node);
      } else if (tag === "caption" && node.parent === top.element) {
        asBlock(node, lineSink()); // the caption is a paragraph before the table
      } else if (page) {
        asBlock(node, lineSink()); // stray content in a table: a browser shows it before it
      }
      // mammoth never writes anything else in a table; the old reader ignored it.
      continue;
    }

    if (tag === "br") {
      top.buffer += "\n";
    } else if (tag === "table") {
      const kind = options.tableKind?.(node) ?? "data";
      if (kind === "layout") {
        asBlock(node);
        continue;
      }
      flush();
      const sink = new TableSink(node, new Grid(limits.slots));
      sinks.push(sink);
      stack.push({
        exit: () => {
          sinks.pop();
          const target = lineSink();
          flush(target);
          const rows = sink.grid.rows;
          if (kind === "meta") for (const line of rowLines(rows, "meta")) target.line(line);
          else target.table(rows);
        },
      });
      pushChildren(node);
    } else if (tag === "hr") {
      flush();
    } else if (tag === "img" || tag === "script" || tag === "style") {
      // no text
    } else if (tag === "a" && /^#(footnote|endnote)-ref-/.test(node.attrs.href ?? "")) {
      // mammoth's "↑" back-link after a footnote
    } else if (BLOCK_TAGS.has(tag)) {
      asBlock(node);
    } else {
      pushChildren(node); // inline: strong, em, a, span, sup, sub, s, u, font, o:p …
    }
  }
  flush(document);
  return blocks;
}

/** Labels of a page's publication box (信息公开 pages), as cells of their own. */
export const META_LABEL =
  /^(?:索引号|信息索引号|发布机构|发文机关|发布单位|信息来源|来源|生成日期|发布日期|发布时间|发文日期|成文日期|公开日期|文号|发文字号|主题分类|信息分类|组配分类|体裁分类|服务对象|公开方式|公开范围|公开时限|有效性|关键词|主题词|名称|标题|信息名称|内容概述|责任部门|所属机构)\s*[:：]?$/;

/** mammoth's HTML → blocks, as docx.ts has always read it. */
export function htmlToBlocks(html: string): FlatBlock[] {
  return walkBlocks(parseHtml(html));
}
