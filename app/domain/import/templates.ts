/**
 * The templates that provinces, cities and vendors lay reports out in, as data: each is known
 * by markers (its title, its section headings, the form number, the columns of its fund table)
 * and a text is taken for the template whose markers weigh the most. A new province's template
 * is an entry here plus a test (test/unit/import/templates.test.ts).
 */

export type TemplateKind = "department" | "project";

/** What an import says about the template it recognised (ImportResult.template). */
export interface TemplateRef {
  id: string;
  /** Simplified Chinese, shown on the import preview. */
  name: string;
  kind: TemplateKind;
}

export interface TemplateMarker {
  /** What the marker is, in Chinese, for the preview's "识别依据". */
  label: string;
  /**
   * Tested on the compacted text (see `compactForMarkers`): no spaces, ASCII brackets and
   * colons, line breaks kept; `[\s\S]{0,n}` spans cells written one per line.
   */
  pattern: RegExp;
  weight: number;
}

export interface Template extends TemplateRef {
  markers: ReadonlyArray<TemplateMarker>;
}

/** A level-1 heading on its own line: 一、title (or 一.title). */
function heading(numeral: string, title: string): RegExp {
  return new RegExp(`(?:^|\\n)${numeral}[、.．]${title}`);
}

export const TEMPLATES: ReadonlyArray<Template> = [
  {
    id: "sichuan-department",
    name: "四川省部门预算绩效评价报告（部门整体）",
    kind: "department",
    markers: [
      { label: "标题“部门预算绩效评价报告”", pattern: /部门预算绩效(?:自评|评价)报告/, weight: 2 },
      { label: "一、部门（单位）基本情况", pattern: heading("一", String.raw`部门\(单位\)基本情况`), weight: 2 },
      { label: "二、部门资金收支情况", pattern: heading("二", "部门资金收支情况"), weight: 3 },
      { label: "三、部门预算绩效分析", pattern: heading("三", "部门预算绩效分析"), weight: 3 },
      { label: "四、评价结论及建议", pattern: heading("四", "评价结论及建议"), weight: 2 },
      { label: "附表“部门整体支出绩效目标完成情况自评表”", pattern: /部门整体支出绩效目标完成情况自评表/, weight: 2 },
    ],
  },
  {
    id: "hunan-department",
    name: "湖南省部门整体支出绩效评价报告（部门整体）",
    kind: "department",
    markers: [
      { label: "标题“部门整体支出绩效评价报告”", pattern: /部门整体支出绩效(?:自评|评价)报告/, weight: 2 },
      {
        label: "一、部门（单位）基本概况 / 一、部门、单位基本情况",
        pattern: heading("一", String.raw`(?:部门\(单位\)基本概况|部门、单位基本(?:情况|概况))`),
        weight: 3,
      },
      { label: "二、部门整体支出管理及使用情况", pattern: heading("二", "部门整体支出管理及使用情况"), weight: 3 },
      { label: "三、专项资金管理及使用情况", pattern: heading("三", "专项资金管理及使用情况"), weight: 3 },
      { label: "四、整体支出绩效情况", pattern: heading("四", "(?:部门)?整体支出绩效情况"), weight: 2 },
      { label: "五、存在的主要问题", pattern: heading("五", "存在的主要问题"), weight: 1 },
      { label: "六、改进措施", pattern: heading("六", "改进措施"), weight: 1 },
      { label: "七、绩效自评结果拟应用和公开情况", pattern: heading("七", "绩效自评结果拟应用和公开情况"), weight: 3 },
      { label: "湖南省的绩效评价文件（湘财绩）", pattern: /湘财绩|湖南省预算支出绩效评价管理办法/, weight: 2 },
      { label: "封面“预算编码”“评价方式”", pattern: /预算编码[\s\S]{0,40}评价方式|评价方式[\s\S]{0,40}预算编码/, weight: 1 },
    ],
  },
  {
    id: "sichuan-project-form",
    name: "四川省部门预算项目支出绩效自评表（报表编号510000_0013zp）",
    kind: "project",
    markers: [
      { label: "报表编号510000_0013zp", pattern: /510000_0013zp/i, weight: 6 },
      { label: "表名“部门预算项目支出绩效自评表”", pattern: /部门预算项目支出绩效自评表/, weight: 4 },
      { label: "预算执行情况（10分）", pattern: /预算执行情况\(10分\)/, weight: 2 },
      { label: "绩效指标（90分）", pattern: /绩效指标\(90分\)/, weight: 2 },
      { label: "列“调整后预算数”“预算执行数”", pattern: /调整后预算数[\s\S]{0,20}预算执行数/, weight: 2 },
      { label: "实施单位（盖章）", pattern: /实施单位\(盖章\)/, weight: 1 },
    ],
  },
  {
    id: "mof-2020-10-project-form",
    name: "项目支出绩效自评表（财预〔2020〕10号格式）",
    kind: "project",
    markers: [
      { label: "表名“项目支出绩效自评表”", pattern: /项目支出绩效自评表/, weight: 2 },
      { label: "列“年初预算数”“全年预算数”“全年执行数”", pattern: /年初预算数[\s\S]{0,20}全年预算数[\s\S]{0,20}全年执行数/, weight: 4 },
      { label: "行“年度资金总额”", pattern: /年度资金总额/, weight: 2 },
      { label: "行“本年财政拨款”“上年结转资金”", pattern: /本年财政拨款[\s\S]{0,60}上年结转资金/, weight: 2 },
      { label: "年度总体目标", pattern: /年度总体目标/, weight: 1 },
      { label: "列“偏差原因分析及改进措施”", pattern: /偏差原因分析及改进措施/, weight: 2 },
      { label: "文件财预〔2020〕10号", pattern: /财预[〔[(]2020[〕\])]10号/, weight: 3 },
    ],
  },
  {
    id: "yunnan-project-report",
    name: "云南省项目支出绩效单位自评报告（项目）",
    kind: "project",
    markers: [
      { label: "标题“项目支出绩效单位自评报告”", pattern: /项目支出绩效单位自评报告/, weight: 5 },
      { label: "标题“项目支出绩效自评报告”", pattern: /项目支出绩效自评报告/, weight: 2 },
      { label: "（一）项目概况", pattern: /(?:^|\n)\(一\)项目概况/, weight: 1 },
      { label: "项目立项背景", pattern: /项目立项背景/, weight: 1 },
      { label: "绩效评价工作开展情况", pattern: /绩效评价工作(?:开展|组织)情况/, weight: 1 },
      { label: "综合评价情况及评价结论", pattern: /综合评价情况及评价结论/, weight: 1 },
      { label: "云南省的绩效文件（云财绩 / 滇财）", pattern: /云财绩|云南省/, weight: 1 },
    ],
  },
];

/** Below this weight the text merely shares a word or two with a template: not recognised. */
export const MIN_TEMPLATE_SCORE = 4;

/** Markers are looked for in the text's head only: bounded work, and far past any real title. */
const MARKER_SCAN_CHARS = 100_000;

export interface TemplateMatch {
  template: TemplateRef;
  score: number;
  /** Labels of the markers found, in the template's order. */
  matched: string[];
}

/**
 * The text as the markers see it: lines kept (headings are line-anchored), spaces, TABs and
 * the cell pipes of web exports removed (letter-spaced covers, one cell per line ending " |"),
 * full-width brackets and colons folded to ASCII.
 */
export function compactForMarkers(text: string): string {
  return text
    .slice(0, MARKER_SCAN_CHARS)
    .replace(/[（]/g, "(")
    .replace(/[）]/g, ")")
    .replace(/[：]/g, ":")
    .replace(/[ \t\u3000\u00a0|]+/g, "")
    .replace(/\r\n?/g, "\n");
}

/** Every template scored against `text`, best first; ties keep the order of TEMPLATES. */
export function scoreTemplates(text: string, templates: ReadonlyArray<Template> = TEMPLATES): TemplateMatch[] {
  const compact = compactForMarkers(text);
  const scored = templates.map((t, order) => {
    const matched = t.markers.filter((m) => m.pattern.test(compact));
    return { order, match: { template: { id: t.id, name: t.name, kind: t.kind }, score: matched.reduce((s, m) => s + m.weight, 0), matched: matched.map((m) => m.label) } };
  });
  scored.sort((a, b) => b.match.score - a.match.score || a.order - b.order);
  return scored.map((s) => s.match);
}

/** The template `text` looks like, or null when none reaches MIN_TEMPLATE_SCORE. */
export function recognizeTemplate(text: string, templates: ReadonlyArray<Template> = TEMPLATES): TemplateMatch | null {
  const best = scoreTemplates(text, templates)[0];
  return best && best.score >= MIN_TEMPLATE_SCORE ? best : null;
}
