/**
 * A saved web page (.html/.htm, or .mhtml) → the flattened text format (flat.ts). Never throws.
 *
 * Published reports are mostly government web pages: the report inside the site's chrome —
 * menus, breadcrumbs (您现在的位置：首页 > …, naming other units), 【字体：大 中 小】 打印 关闭,
 * share links, related articles, footers with 主办单位 and 备案号. We read the page with the
 * import's one HTML walker (htmlBlocks.ts) and leave the chrome out, in three steps:
 *
 *  1. elements: script/style/svg/iframe/head/form controls always; nav/aside, a page's
 *     header/footer, elements whose class or id names chrome (nav, menu, breadcrumb, share,
 *     footer …), short elements starting 您现在的位置/当前位置, and link lists — unless the
 *     element holds more than half of the page's text (then it is the report, misnamed);
 *  2. the main container, when one is named so (content, article, TRS_Editor, zoom,
 *     Custom_UnionStyle, xxgk …) and holds most of the text, from the page's title above it
 *     (an h1–h6 or .title shortly before it) to its end — publication lines in between
 *     (发布机构：…, 发布日期：…) stay, as ordinary lines for the narrative parser;
 *  3. lines: breadcrumbs, tool words, share/previous/next links and footer lines, by text.
 *
 * Tables: a data table is a grid (flat.ts conventions). A layout table — one that holds other
 * tables in few columns, has a single column, or a cell of many paragraphs or 1000 characters —
 * is read as a container, so that the report's own table inside it keeps its grid. A small
 * table nested in a data table's cell becomes lines of that cell, as with Word. A publication
 * box of 索引号/发布机构/生成日期 cells becomes one `label：value` line per pair, and is kept
 * with the report when it sits just above the title.
 */
import { MAX_UPLOAD_BYTES } from "./limits";
import { type ConvertResult, writeFlat } from "./flat";
import { type ElementNode, HEADINGS, META_LABEL, PAGE_LIMITS, parseHtml, type TableKind, walkBlocks, type HtmlNode } from "./htmlBlocks";
import { LimitExceeded } from "./zip";

export type { ConvertResult } from "./flat";

const fail = (error: string): ConvertResult => ({ ok: false, error });

export async function htmlToText(data: Uint8Array): Promise<ConvertResult> {
  try {
    if (data.length === 0) return fail("文件为空");
    if (data.length > MAX_UPLOAD_BYTES) return fail(`网页文件超过 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB，疑似异常文件，已拒绝`);
    let bytes = data;
    let charset: string | undefined;
    if (looksLikeMhtml(data)) {
      const part = mhtmlHtmlPart(data);
      if (!part) return fail("未在 .mhtml 文件中找到网页正文，请在浏览器中打开后另存为“网页，仅 HTML”再上传");
      ({ bytes, charset } = part);
    }
    const html = decodeHtml(bytes, charset);
    if (html === null) return fail("文件不是有效的网页文件");
    return pageToText(html);
  } catch (error) {
    if (error instanceof LimitExceeded) return fail(error.message);
    return fail("网页文件无法读取");
  }
}

/** A page's text → the flattened format (throws LimitExceeded past a limit). */
export function pageToText(html: string): ConvertResult {
  const roots = parseHtml(html, PAGE_LIMITS);
  if (!roots.some((node) => typeof node !== "string")) {
    // No markup at all: a text file saved as .html.
    const text = html.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
    return text.trim() === "" ? fail("文件为空") : { ok: true, text: text.endsWith("\n") ? text : `${text}\n` };
  }
  const text = writeFlat(pageBlocks(roots));
  return text.trim() === "" ? fail("网页中没有找到报告正文") : { ok: true, text };
}

// ---------------------------------------------------------------------------------------------
// Bytes → text

/** Chinese pages' charset labels → what TextDecoder calls them (GB18030 reads GBK and GB2312). */
function charsetOf(label: string | undefined): "utf-8" | "gb18030" | "big5" | "utf-16le" | "utf-16be" | undefined {
  const name = label?.trim().toLowerCase().replace(/^["']|["']$/g, "");
  if (!name) return undefined;
  if (/^(?:utf-?8|unicode-1-1-utf-8)$/.test(name)) return "utf-8";
  if (/^(?:gb2312|gbk|gb18030|x-gbk|cp936|windows-936|ms936|euc-cn|csgb2312|chinese|iso-ir-58|gb_2312-80|hz-gb-2312)$/.test(name)) return "gb18030";
  if (/^(?:big5|big5-hkscs|cn-big5|x-x-big5|csbig5)$/.test(name)) return "big5";
  if (/^(?:utf-16|utf-16le|unicode)$/.test(name)) return "utf-16le";
  if (name === "utf-16be") return "utf-16be";
  // Western labels on Chinese pages are a CMS default, not the truth: guess as for none.
  return undefined;
}

/** The bytes' characters as chars 0–255 (to search MIME headers; reversible, unlike latin1). */
function binaryString(bytes: Uint8Array, from = 0, to = bytes.length): string {
  let out = "";
  for (let at = from; at < to; at += 8192) out += String.fromCharCode(...bytes.subarray(at, Math.min(to, at + 8192)));
  return out;
}

/** The charset a page declares in its first 64 KB (<meta charset>, http-equiv, <?xml encoding>). */
function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = binaryString(bytes, 0, Math.min(bytes.length, 65536));
  const meta = /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)/i.exec(head);
  if (meta) return meta[1];
  return /<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9_.:-]+)/i.exec(head)?.[1];
}

/**
 * A page's text: a BOM decides; otherwise valid UTF-8 is UTF-8 whatever the page claims (a
 * browser's re-save keeps the old meta), then the declared charset, then UTF-8 with a few
 * broken bytes, then GB18030. Null for binary data.
 */
export function decodeHtml(bytes: Uint8Array, declared?: string): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder("utf-8").decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  if (bytes[0] === 0x3c && bytes[1] === 0) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0 && bytes[1] === 0x3c) return new TextDecoder("utf-16be").decode(bytes);
  const label = charsetOf(declared) ?? charsetOf(declaredCharset(bytes));
  if (label === "utf-16le" || label === "utf-16be") return new TextDecoder(label).decode(bytes);
  if (bytes.subarray(0, 4096).includes(0)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // not UTF-8
  }
  if (label === "gb18030" || label === "big5") return new TextDecoder(label).decode(bytes);
  if (label === "utf-8") {
    const text = new TextDecoder("utf-8").decode(bytes);
    let broken = 0;
    let wide = 0;
    for (const char of text) {
      if (char === "\ufffd") broken++;
      else if (char.charCodeAt(0) > 0x7f) wide++;
    }
    if (broken <= Math.max(2, wide / 100)) return text;
  }
  return new TextDecoder("gb18030").decode(bytes);
}

// ---------------------------------------------------------------------------------------------
// .mhtml: a MIME multipart/related message; the page is its first text/html part.

function looksLikeMhtml(bytes: Uint8Array): boolean {
  const head = binaryString(bytes, 0, Math.min(bytes.length, 16384));
  if (/^\s*</.test(head)) return false;
  const end = head.search(/\r?\n\r?\n/);
  const headers = unfold(end < 0 ? head : head.slice(0, end));
  return /^content-type:\s*(?:multipart\/related|text\/html)/im.test(headers) || (/^mime-version:/im.test(headers) && /^content-type:/im.test(headers));
}

function unfold(headers: string): string {
  return headers.replace(/\r?\n[ \t]+/g, " ");
}

function headerValue(headers: string, name: string): string | undefined {
  return new RegExp(`^${name}:\\s*(.*)$`, "im").exec(headers)?.[1]?.trim();
}

function parameter(value: string | undefined, name: string): string | undefined {
  if (!value) return undefined;
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, "i").exec(value);
  return match ? (match[1] ?? match[2]) : undefined;
}

/** The bytes of a part's body, undone from its transfer encoding. */
function partBody(raw: string, encoding: string | undefined): Uint8Array {
  const kind = encoding?.toLowerCase() ?? "";
  if (kind === "quoted-printable") {
    const text = raw.replace(/=\r?\n/g, "");
    const out = new Uint8Array(text.length);
    let length = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x3d && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
        out[length++] = parseInt(text.slice(i + 1, i + 3), 16);
        i += 2;
      } else out[length++] = c & 0xff;
    }
    return out.subarray(0, length);
  }
  if (kind === "base64") {
    const clean = raw.replace(/[^A-Za-z0-9+/]/g, "");
    const binary = atob(clean.slice(0, clean.length - (clean.length % 4)));
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  }
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i) & 0xff;
  return out;
}

function mhtmlHtmlPart(bytes: Uint8Array): { bytes: Uint8Array; charset?: string } | null {
  const message = binaryString(bytes);
  const split = /\r?\n\r?\n/.exec(message);
  if (!split) return null;
  const headers = unfold(message.slice(0, split.index));
  const body = message.slice(split.index + split[0].length);
  const type = headerValue(headers, "content-type") ?? "";
  if (/^text\/html/i.test(type)) {
    return { bytes: partBody(body, headerValue(headers, "content-transfer-encoding")), charset: parameter(type, "charset") };
  }
  const boundary = parameter(type, "boundary");
  if (!boundary) return null;
  for (const part of body.split(`--${boundary}`).slice(1)) {
    if (part.startsWith("--")) break; // the closing delimiter
    const end = /\r?\n\r?\n/.exec(part);
    if (!end) continue;
    const partHeaders = unfold(part.slice(0, end.index).replace(/^[ \t]*\r?\n/, ""));
    const partType = headerValue(partHeaders, "content-type") ?? "";
    if (!/^text\/html/i.test(partType)) continue;
    const raw = part.slice(end.index + end[0].length).replace(/\r?\n$/, "");
    return { bytes: partBody(raw, headerValue(partHeaders, "content-transfer-encoding")), charset: parameter(partType, "charset") };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Chrome

/** Never content (their text, if any, is not the page's). */
const NEVER_CONTENT = new Set([
  "head", "script", "style", "noscript", "template", "svg", "math", "iframe", "frame", "frameset",
  "object", "embed", "canvas", "video", "audio", "map", "title", "input", "select", "option",
  "optgroup", "button", "datalist", "output", "meter", "progress", "textarea",
]);
/** Chrome by element, unless it holds most of the page's text. */
const CHROME_TAGS = new Set(["nav", "aside", "marquee", "menu"]);
/** Class/id words that name chrome wherever they are. */
const CHROME_WORDS = new Set([
  "nav", "navbar", "navigation", "menu", "menus", "submenu", "breadcrumb", "breadcrumbs", "crumb",
  "crumbs", "bread", "footer", "copyright", "share", "sharing", "bdshare", "sidebar", "related",
  "relate", "links", "friendlink", "qrcode", "ewm", "login", "search", "banner", "topbar",
  "position", "location", "pager", "pagination", "ads", "advert", "guanggao", "wza", "mbx", "dqwz",
  "weizhi", "daohang", "xgwz", "xgxx", "xglj", "yqlj", "fenxiang", "fenye",
]);
const CHROME_SUBSTRINGS = ["breadcrumb", "crumb", "bdshare", "sidebar", "footer", "navbar", "navmenu", "copyright", "friendlink", "fenxiang", "daohang", "weizhi", "dqwz"];
/** Class/id words that name chrome only outside the content (a card's header is content). */
const WEAK_CHROME_WORDS = new Set(["header", "head", "top", "bottom", "foot", "side", "tools", "tool", "toolbar", "print", "fontsize", "font"]);
/** Class/id words that name the report's container. */
const CONTENT_WORDS = new Set(["main", "view", "text", "body", "editor", "content", "contents", "article", "articles", "artical", "detail", "details", "zoom", "xxgk", "zhengwen", "wenzhang"]);
const CONTENT_SUBSTRINGS = ["content", "article", "artical", "detail", "zoom", "trs_editor", "trseditor", "unionstyle", "xxgk", "zhengwen", "wenzhang"];
const TITLE_WORDS = new Set(["title", "tit", "biaoti", "bt", "headline", "heading", "subject"]);
/** CSS utility classes (position-relative …) are no breadcrumb. */
const CSS_POSITIONS = new Set(["relative", "absolute", "fixed", "sticky", "static"]);

const BREADCRUMB_START = /^(?:您现在的位置|您当前的位置|您的位置|你的位置|当前位置|所在位置|现在位置|当前栏目|位置[:：])/;

interface Names {
  words: string[];
  joined: string;
}

function namesOf(element: ElementNode): Names | null {
  const raw = `${element.attrs.class ?? ""} ${element.attrs.id ?? ""}`.trim();
  if (raw === "") return null;
  const words = raw
    .split(/[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])/)
    .filter((w) => w !== "")
    .map((w) => w.toLowerCase());
  return { words, joined: raw.toLowerCase() };
}

function namesContent(names: Names | null): boolean {
  return names !== null && (names.words.some((w) => CONTENT_WORDS.has(w)) || CONTENT_SUBSTRINGS.some((s) => names.joined.includes(s)));
}

function namesChrome(names: Names | null, inContent: boolean): boolean {
  if (names === null) return false;
  const cssPosition = names.words.some((w) => CSS_POSITIONS.has(w));
  if (names.words.some((w) => CHROME_WORDS.has(w) && !(cssPosition && w === "position"))) return true;
  if (CHROME_SUBSTRINGS.some((s) => names.joined.includes(s))) return true;
  return !inContent && !namesContent(names) && names.words.some((w) => WEAK_CHROME_WORDS.has(w));
}

/** Per element: what the chrome and container decisions read. */
interface Stats {
  /** Non-blank characters of text inside (dropped elements count nothing). */
  text: number;
  linkText: number;
  links: number;
  /** The first non-blank characters of its text. */
  head: string;
  tables: number;
  /** Paragraph-like elements with text inside. */
  paragraphs: number;
}

const PARAGRAPH_TAGS = new Set(["p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"]);

function nonBlank(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x20 && c !== 0xa0 && c !== 0x3000) n++;
  }
  return n;
}

/** Elements of a subtree in document order, leaving out those `drop` says (and their insides). */
function preorder(root: ElementNode, drop: (element: ElementNode) => boolean): ElementNode[] {
  const out: ElementNode[] = [];
  const stack: ElementNode[] = [root];
  while (stack.length > 0) {
    const element = stack.pop()!;
    if (element !== root && drop(element)) continue;
    out.push(element);
    for (let i = element.children.length - 1; i >= 0; i--) {
      const child = element.children[i];
      if (typeof child !== "string") stack.push(child);
    }
  }
  return out;
}

/** Stats of every element of `order` (document order), children before parents. */
function statsOf(order: readonly ElementNode[], kept: (element: ElementNode) => boolean): Map<ElementNode, Stats> {
  const stats = new Map<ElementNode, Stats>();
  for (let i = order.length - 1; i >= 0; i--) {
    const element = order[i];
    const own: Stats = { text: 0, linkText: 0, links: 0, head: "", tables: 0, paragraphs: 0 };
    for (const child of element.children) {
      if (typeof child === "string") {
        own.text += nonBlank(child);
        if (own.head.length < 16) own.head += child.slice(0, 64).replace(/\s+/g, "");
        continue;
      }
      const inner = stats.get(child);
      if (!inner || !kept(child)) continue;
      own.text += inner.text;
      own.linkText += inner.linkText;
      own.links += inner.links;
      own.tables += inner.tables + (child.tag === "table" ? 1 : 0);
      own.paragraphs += inner.paragraphs + (PARAGRAPH_TAGS.has(child.tag) && inner.text > 0 ? 1 : 0);
      if (own.head.length < 16) own.head += inner.head;
    }
    own.head = own.head.slice(0, 16);
    if (element.tag === "a") {
      own.links += 1;
      own.linkText = own.text;
    }
    stats.set(element, own);
  }
  return stats;
}

/** The rows of a table and their cells (not those of tables inside its cells). */
function tableCells(table: ElementNode): ElementNode[][] {
  const rows: ElementNode[][] = [];
  const stack: ElementNode[] = [table];
  while (stack.length > 0) {
    const parent = stack.pop()!;
    for (let i = parent.children.length - 1; i >= 0; i--) {
      const child = parent.children[i];
      if (typeof child === "string") continue;
      if (child.tag === "thead" || child.tag === "tbody" || child.tag === "tfoot") stack.push(child);
    }
    for (const child of parent.children) {
      if (typeof child !== "string" && child.tag === "tr") {
        rows.push(child.children.filter((c): c is ElementNode => typeof c !== "string" && (c.tag === "td" || c.tag === "th")));
      }
    }
  }
  return rows;
}

function tableKindOf(table: ElementNode, stats: Map<ElementNode, Stats>): TableKind {
  const rows = tableCells(table);
  const own = stats.get(table);
  if (!own) return "data";
  let maxCells = 0;
  for (const cells of rows) maxCells = Math.max(maxCells, cells.length);
  let nestedText = 0;
  let labels = 0;
  for (const cells of rows) {
    for (const cell of cells) {
      const s = stats.get(cell);
      if (!s) continue;
      if (s.paragraphs >= 6 || s.text >= 1000) return "layout";
      if (s.tables > 0) nestedText += s.text;
      if (s.text <= 10 && META_LABEL.test(s.head)) labels++;
    }
  }
  if (own.tables > 0 && (maxCells <= 3 || nestedText * 2 >= own.text)) return "layout";
  if (maxCells <= 1) return "layout";
  if (labels >= 2 && rows.length <= 10 && maxCells <= 8 && own.tables === 0) return "meta";
  return "data";
}

/**
 * The page's blocks without its chrome (see the top of this file).
 */
export function pageBlocks(roots: HtmlNode[]): ReturnType<typeof walkBlocks> {
  const top: ElementNode = { tag: "#root", attrs: {}, children: roots, parent: null };
  const body = preorder(top, (e) => NEVER_CONTENT.has(e.tag)).find((e) => e.tag === "body") ?? top;

  // 1. Elements that are chrome.
  const hard = (e: ElementNode) => NEVER_CONTENT.has(e.tag);
  const order = preorder(body, hard);
  const first = statsOf(order, (e) => !hard(e));
  const pageText = first.get(body)?.text ?? 0;
  const dropped = new Set<ElementNode>();
  const inContent = new Map<ElementNode, boolean>();
  for (const element of order) {
    const parent = element.parent;
    if (element === body || !parent) {
      inContent.set(element, false);
      continue;
    }
    if (dropped.has(parent) || !inContent.has(parent)) continue; // inside something dropped
    const names = namesOf(element);
    const content = inContent.get(parent)! || parent.tag === "article" || parent.tag === "main" || namesContent(namesOf(parent));
    const s = first.get(element)!;
    const chrome =
      CHROME_TAGS.has(element.tag) ||
      ((element.tag === "header" || element.tag === "footer") && !content) ||
      namesChrome(names, content) ||
      // A breadcrumb split into block elements; a container that merely starts with one keeps
      // its text (the line filter takes the breadcrumb's line).
      (s.text < 100 && BREADCRUMB_START.test(s.head) && !namesContent(names) && element.tag !== "article" && element.tag !== "main") ||
      (s.links >= 3 && s.linkText >= 0.7 * s.text);
    // An element holding most of the page (and more than a few lines) is the report, whatever
    // its name says.
    if (chrome && (s.text * 2 <= pageText || s.text < 200)) {
      dropped.add(element);
      continue;
    }
    inContent.set(element, content);
  }
  const skip = (e: ElementNode) => hard(e) || dropped.has(e);
  const keptOrder = preorder(body, skip);
  const stats = statsOf(keptOrder, (e) => !skip(e));
  const keptText = stats.get(body)?.text ?? 0;

  // 2. The main container, and the title above it.
  // Only a container holding half of the text can be the one: few, nested in one another.
  const candidates = keptOrder.filter((e) => e !== body && stats.get(e)!.text * 2 >= keptText && stats.get(e)!.text > 0 && (e.tag === "article" || e.tag === "main" || namesContent(namesOf(e))));
  let container: ElementNode | null = null;
  for (const candidate of candidates) if (!container || stats.get(candidate)!.text > stats.get(container)!.text) container = candidate;
  // A more specific container inside it that holds nearly all of its text.
  for (let narrowed = true; container && narrowed; ) {
    narrowed = false;
    for (const candidate of candidates) {
      if (candidate !== container && isInside(candidate, container) && stats.get(candidate)!.text >= 0.9 * stats.get(container)!.text) {
        container = candidate;
        narrowed = true;
        break;
      }
    }
  }
  const kinds = new Map<ElementNode, TableKind>();
  for (const element of keptOrder) if (element.tag === "table") kinds.set(element, tableKindOf(element, stats));
  let range: { from: ElementNode; to: ElementNode } | undefined;
  if (container) {
    const offsets = textOffsets(body, skip);
    let from = titleBefore(container, keptOrder, stats, offsets) ?? container;
    // The publication box or line just above (索引号/发布机构 …) stays with the report.
    for (let more = 0, meta = metaBefore(from, keptOrder, stats, offsets, kinds); meta && more < 3; more++, meta = metaBefore(from, keptOrder, stats, offsets, kinds)) from = meta;
    range = { from, to: container };
  }

  // 3. Lines.
  return walkBlocks([body], {
    page: true,
    skip,
    tableKind: (table) => kinds.get(table) ?? "data",
    filterLine: chromeLine,
    range,
    limits: PAGE_LIMITS,
  });
}

function isInside(element: ElementNode, ancestor: ElementNode): boolean {
  for (let at = element.parent; at; at = at.parent) if (at === ancestor) return true;
  return false;
}

/** Where each kept element starts: the non-blank characters of kept text before it. */
function textOffsets(body: ElementNode, skip: (element: ElementNode) => boolean): Map<ElementNode, number> {
  const offsets = new Map<ElementNode, number>();
  let seen = 0;
  const stack: HtmlNode[] = [body];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (typeof node === "string") {
      seen += nonBlank(node);
      continue;
    }
    if (node !== body && skip(node)) continue;
    offsets.set(node, seen);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
  }
  return offsets;
}

/**
 * The page's title shortly before the container: the nearest heading (h1–h6, or named title)
 * above it with at most a few lines (the publication line) in between; one that reads like a
 * report's title (报告, 评价, 绩效 …) wins over a nearer one.
 */
function titleBefore(container: ElementNode, order: readonly ElementNode[], stats: Map<ElementNode, Stats>, offsets: Map<ElementNode, number>): ElementNode | null {
  const at = order.indexOf(container);
  const start = offsets.get(container) ?? 0;
  let nearest: ElementNode | null = null;
  for (let i = at - 1; i >= 0 && at - i <= 5000; i--) {
    const element = order[i];
    if (isInside(container, element)) continue; // an ancestor
    const s = stats.get(element)!;
    const gap = start - ((offsets.get(element) ?? 0) + s.text);
    if (gap > 2000) break;
    const named = namesOf(element);
    const heading = HEADINGS.has(element.tag) || (named !== null && named.words.some((w) => TITLE_WORDS.has(w)));
    if (!heading || s.text < 4 || s.text > 200 || gap > 600) continue;
    if (REPORT_TITLE.test(s.head)) return element;
    nearest ??= element;
  }
  return nearest;
}

/** A publication box (a "meta" table) or line (发布机构：… 发布日期：…) right before `start`. */
function metaBefore(start: ElementNode, order: readonly ElementNode[], stats: Map<ElementNode, Stats>, offsets: Map<ElementNode, number>, kinds: Map<ElementNode, TableKind>): ElementNode | null {
  const at = order.indexOf(start);
  const begin = offsets.get(start) ?? 0;
  for (let i = at - 1; i >= 0 && at - i <= 500; i--) {
    const element = order[i];
    if (isInside(start, element)) continue;
    const s = stats.get(element)!;
    if (begin - ((offsets.get(element) ?? 0) + s.text) > 300) return null;
    if (kinds.get(element) === "meta" || (s.text <= 300 && META_START.test(s.head))) {
      // A cell of the box: the whole box.
      for (let up = element.parent; up; up = up.parent) if (kinds.get(up) === "meta") return up;
      return element;
    }
  }
  return null;
}

const META_START = /^(?:索引号|信息索引号|发布机构|发文机关|发布单位|信息来源|来源|生成日期|发布日期|发布时间|成文日期|文号|发文字号)[:：]/;

const REPORT_TITLE = /报告|评价|绩效|自评|决算|预算|情况/;

// ---------------------------------------------------------------------------------------------
// Chrome by text, line by line.

const INLINE_CHROME: RegExp[] = [
  /[【\[]\s*字\s*[体號号]\s*[:：]?[^】\]]{0,20}[】\]]/g,
  /字\s*[体號号]\s*[:：]\s*(?:[【\[]?\s*[大中小默认]\s*[】\]]?\s*){2,}/g,
  /[【\[]\s*(?:打印(?:本页|此页|文章|正文)?|关闭(?:窗口|本页)?|收藏(?:本页)?|返回顶部|返回|保存(?:本页)?|我要纠错|纠错|分享|双击滚屏)\s*[】\]]/g,
  // A counter, often left empty for a script to fill ("访问量：120万次" in a report stays).
  /(?:浏览|阅读|访问|点击)(?:次数|量|数|人数)\s*[:：]\s*[\d,]*\s*次?(?=\s|$|[【|｜])/g,
  /打印本页|打印此页|关闭窗口|关闭本页|加入收藏|返回顶部|双击滚屏/g,
  /分享到\s*[:：]?\s*(?:(?:微信|微博|新浪微博|腾讯微博|QQ空间|QQ|朋友圈|人人网|豆瓣)\s*[,，、|]?\s*)*/gi,
];
const CHROME_LINES: RegExp[] = [
  BREADCRUMB_START,
  /^(?:首页|网站首页|主页|返回首页)\s*[>＞›»→/|]/,
  /^(?:上一篇|下一篇|上一条|下一条|上篇|下篇|上一页|下一页)/,
  /^分享到/,
  /^(?:主办单位|承办单位|协办单位|技术支持|运维单位|网站维护|维护单位|版权所有|网站标识码|备案号|主办|承办|协办)\s*[:：]/,
  /^(?:版权所有|网站地图|联系我们|网站声明|隐私声明|免责声明)/,
  /^(?:访问量|访问次数|总访问量|今日访问|访问人数|浏览次数|阅读次数|点击量|点击数|浏览量)\s*[:：]\s*[\d,]*\s*次?$/,
  /^(?:相关(?:文章|链接|信息|新闻|阅读|文档|稿件|附件|推荐)|推荐阅读|热点新闻|热门文章|热门推荐|猜你喜欢|扫一扫|手机版|友情链接|用户登录|网站导航|政务新媒体|微信公众号|扫码关注)\s*[:：]?$/,
];
const CHROME_ANYWHERE = /ICP备|ICP证|网站标识码|公网安备|版权所有|copyright\s*©|©\s*\d{4}|建议使用.{0,20}浏览器|分辨率.{0,8}浏览/i;
const TOOL_WORDS = /打印|关闭|收藏|返回|分享|保存|纠错|字体|字号|无障碍|繁體|简体|长者模式/;

/** Every pattern above needs one of these; most lines have none and are kept as they are. */
const MAYBE_CHROME =
  /位置|栏目|首页|主页|字[体號号]|打印|关闭|收藏|返回|保存|纠错|分享|浏览|阅读|访问|点击|上一|下一|上篇|下篇|主办|承办|协办|技术支持|运维|维护|版权|标识码|备案|地图|联系我们|声明|相关|推荐|热点|热门|猜你|扫|手机版|友情|登录|导航|新媒体|公众号|双击|无障碍|繁體|简体|长者|ICP|安备|©|copyright|浏览器|分辨率|[>＞›»→]|^[\s|｜·•\-—_【】[\]()（）:：]*$/i;

/** A page's line without its chrome fragments, or null when the line is chrome. */
export function chromeLine(line: string): string | null {
  if (!MAYBE_CHROME.test(line)) return line;
  let text = line;
  for (const pattern of INLINE_CHROME) text = text.replace(pattern, " ");
  text = text === line ? line : text.replace(/\s{2,}/g, " ").trim();
  if (text === "" || /^[\s|｜·•\-—_【】[\]()（）:：]*$/.test(text)) return null;
  if (CHROME_LINES.some((pattern) => pattern.test(text))) return null;
  if (text.length < 200 && CHROME_ANYWHERE.test(text)) return null;
  if (TOOL_WORDS.test(text) && text.replace(/[【】[\]\s|｜:：/]|打印|关闭|收藏|返回|分享|保存|纠错|字体|字号|无障碍|繁體|简体|长者模式|视力保护色|默认|[大中小]/g, "") === "") return null;
  if (isBreadcrumbPath(text)) return null;
  return text;
}

/** "信息公开 > 财政资金 > 绩效评价": short segments between ">", nothing sentence-like (a
 * process written 申报→审核→拨付 is content). */
function isBreadcrumbPath(text: string): boolean {
  const parts = text.split(/\s*[>＞›»]\s*/);
  if (parts.length < 3) return false;
  return parts.every((part) => part.length >= 1 && part.length <= 20 && !/[%％，。；;,:：=≥≤]/.test(part));
}
