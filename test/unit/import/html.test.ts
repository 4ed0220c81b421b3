import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { convertUpload } from "~/domain/import/file";
import { type FlatBlock } from "~/domain/import/flat";
import { chromeLine, decodeHtml, htmlToText } from "~/domain/import/html";
import { MAX_HTML_DEPTH, MAX_HTML_ELEMENTS, MAX_HTML_TABLE_CELLS, MAX_HTML_TEXT_CHARS } from "~/domain/import/htmlBlocks";
import { readReport } from "~/domain/import/read";
import { parseReportText } from "~/domain/import/text";
import { encodeGbk } from "../convert/helpers";
import { abusiveFiles } from "../convert/hostile";
import { linesOf, readFlat, tablesOf } from "../convert/tokens";

const bytesOf = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));
const reference = () => readFileSync(new URL("../../fixtures/luxian-trade-union-2023.txt", import.meta.url), "utf8");
const page = () => bytesOf("html/luxian-trade-union-2023.html");
const gbkPage = () => bytesOf("html/table-layout-gbk.html");
const utf8 = (text: string) => new TextEncoder().encode(text);

async function textOf(bytes: Uint8Array): Promise<string> {
  const result = await htmlToText(bytes);
  if (!result.ok) throw new Error(result.error);
  return result.text;
}

/** A page's body → its blocks. */
async function blocksOf(body: string): Promise<FlatBlock[]> {
  return readFlat(await textOf(utf8(`<html><head><meta charset="utf-8"></head><body>${body}</body></html>`)));
}

const line = (text: string): FlatBlock => ({ kind: "line", text });
const rows = (...cells: string[][]): FlatBlock => ({ kind: "table", rows: cells });

/** Words of the reference page's chrome: none may reach the text. */
const CHROME = [
  "您现在的位置", "泸县财政局", "政务公开", "首页", "走进泸县", "泸县人民政府", "欢迎访问", "无障碍", "搜索",
  "请输入", "字体", "浏览次数", "打印", "关闭", "分享", "QQ空间", "上一篇", "下一篇", "泸县民政局",
  "泸县教育", "相关文章", "泸县卫生健康局", "主办单位", "承办单位", "网站标识码", "ICP", "公网安备", "网站地图",
  "联系我们", "预算公开", "决算公开", "document", "tpl",
];

describe("a saved government page around the reference report", () => {
  it("gives the report's lines and nothing of the page's chrome", async () => {
    const text = await textOf(page());
    const expected = linesOf(reference()).map((l) => l.trim()).filter((l) => l !== "");
    // The page's title and its publication line come first, as ordinary lines.
    expect(linesOf(text)).toEqual(["泸县总工会2023年部门预算绩效评价报告", "发布机构：泸县总工会 发布日期：2024-06-20", ...expected]);
    for (const word of CHROME) expect(text, word).not.toContain(word);
  });

  it("gives the reference table cell by cell, rowspans as lone slots and colspans as one cell", async () => {
    const [table] = tablesOf(await textOf(page()));
    expect(table).toEqual(tablesOf(reference())[0]);
    expect(table[4]).toEqual(["年度部门整体支出预算", "资金总额", "财政拨款", "其他资金"]);
    expect(table[5]).toEqual(["", "575.65", "575.65", "0"]);
    expect(table[6][0]).toBe("年度总体\n目标"); // <p> in a cell
    expect(table[12][4]).toBe("绩效指标\n性质"); // <br> in a cell
    expect(table[14].slice(0, 3)).toEqual(["", "", "质量指标"]);
  });

  it("joins a paragraph wrapped in the source between Chinese characters without a space", async () => {
    expect(await textOf(page())).toContain("泸县群团工作中心是全额拨款公益一类事业单位。");
  });

  it("reads (readReport, x.html) to the same document as the reference text", async () => {
    const fromPage = await readReport("x.html", page());
    const fromText = parseReportText(reference());
    if (!fromPage.ok) throw new Error(fromPage.error);
    expect(fromPage.result.ok).toBe(true);
    expect(fromPage.result.missing).toEqual([]);
    expect(fromPage.result.document).toStrictEqual(fromText.document);
    expect(fromPage.result.document.unit?.name).toBe("泸县总工会");
  });

  it("is dispatched as a web page by .htm and .mhtml too", async () => {
    const text = await textOf(page());
    await expect(convertUpload("报告.HTM", page())).resolves.toEqual({ ok: true, text });
    await expect(convertUpload("报告.mhtml", page())).resolves.toEqual({ ok: true, text });
  });
});

describe("an old table-layout page in GBK (Word's HTML inside)", () => {
  it("is GBK, not UTF-8", () => {
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(gbkPage())).toThrow();
  });

  it("gives the report with its indicator table, without menus, breadcrumb or footer", async () => {
    const text = await textOf(gbkPage());
    expect(text).toBe(
      [
        "泸县民政局2023年部门整体支出绩效自评报告",
        "发布时间：2024-03-01 来源：泸县民政局",
        "一、部门（单位）基本情况",
        "泸县民政局是一级预算单位，内设股室6个。核定编制30名，实有人数28名。",
        "二、部门资金收支情况",
        "（一）收入情况。2023年全年预算收入总额为1,234.56万元，其中财政拨款收入1,200.00万元。",
        "部门整体支出绩效目标完成情况自评表",
        ...["年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值", "完成值", "权重", "得分"].map((c) => `\t${c}`),
        "",
        ...["", "产出指标", "数量指标", "城乡低保\n救助人数", "≥500人", "620人", "30", "30"].map((c) => `\t${c}`),
        "",
        ...["", "", "质量指标", "发放准确率", "100%", "100%", "30", "30"].map((c) => `\t${c}`),
        "",
        ...["", "效益指标", "社会效益指标", "困难群众满意度", "≥90%", "96%", "40", "38"].map((c) => `\t${c}`),
        "",
        ...["合计", "100", "98"].map((c) => `\t${c}`),
        "",
        "",
        "注：自评得分98分。",
        "",
      ].join("\n"),
    );
    for (const word of ["泸县财政局", "当前位置", "网站首页", "机构职能", "部门预算", "点击数", "打印", "版权所有", "技术支持", "ICP", "分辨率", "地址"]) {
      expect(text, word).not.toContain(word);
    }
  });

  it("takes the unit's name from the report, never from the breadcrumb", async () => {
    const read = await readReport("民政局.htm", gbkPage());
    if (!read.ok) throw new Error(read.error);
    expect(read.result.document.unit?.name).toBe("泸县民政局");
  });
});

describe(".mhtml", () => {
  /** Quoted-printable as Chrome writes it: =XX for "=" and bytes above 0x7e, lines of 76. */
  const quotedPrintable = (bytes: Uint8Array) => {
    let out = "";
    let lineLength = 0;
    for (const byte of bytes) {
      const piece = byte === 0x0a ? "\r\n" : byte === 0x3d || byte > 0x7e || (byte < 0x20 && byte !== 0x09) ? `=${byte.toString(16).toUpperCase().padStart(2, "0")}` : String.fromCharCode(byte);
      if (piece === "\r\n") {
        out += piece;
        lineLength = 0;
        continue;
      }
      if (lineLength + piece.length > 75) {
        out += "=\r\n";
        lineLength = 0;
      }
      out += piece;
      lineLength += piece.length;
    }
    return out;
  };
  const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

  it("reads Chrome's save (multipart/related, quoted-printable) as the page itself", async () => {
    const boundary = "----MultipartBoundary--Ab3dE8fGh0jKlMnOpQrStUvWxYz1234567890----";
    const mhtml = latin1(
      [
        "From: <Saved by Blink>",
        "Snapshot-Content-Location: https://www.luxian.gov.cn/zwgk/czj/jxpj/202406/t20240620_1.html",
        "Subject: =?utf-8?Q?=E6=B3=B8=E5=8E=BF?=",
        "Date: Thu, 20 Jun 2024 10:00:00 +0800",
        "MIME-Version: 1.0",
        "Content-Type: multipart/related;",
        '\ttype="text/html";',
        `\tboundary="${boundary}"`,
        "",
        "",
        `--${boundary}`,
        "Content-Type: text/html",
        "Content-ID: <frame-1@mhtml.blink>",
        "Content-Transfer-Encoding: quoted-printable",
        "Content-Location: https://www.luxian.gov.cn/zwgk/czj/jxpj/202406/t20240620_1.html",
        "",
        quotedPrintable(page()),
        `--${boundary}`,
        "Content-Type: text/css",
        "Content-Transfer-Encoding: quoted-printable",
        "Content-Location: https://www.luxian.gov.cn/images/style.css",
        "",
        ".nav { float: left; }",
        `--${boundary}--`,
        "",
      ].join("\r\n"),
    );
    expect(await textOf(mhtml)).toBe(await textOf(page()));
  });

  it("reads Internet Explorer's (base64, charset gb2312 in the part's header)", async () => {
    const base64 = btoa(String.fromCharCode(...gbkPage())).replace(/.{76}/g, "$&\r\n");
    const mht = latin1(
      [
        "MIME-Version: 1.0",
        'Content-Type: multipart/related; boundary="----=_NextPart_000_0000_01DA0000.00000000"; type="text/html"',
        "",
        "This is a multi-part message in MIME format.",
        "",
        "------=_NextPart_000_0000_01DA0000.00000000",
        'Content-Type: text/html; charset="gb2312"',
        "Content-Transfer-Encoding: base64",
        "",
        base64,
        "",
        "------=_NextPart_000_0000_01DA0000.00000000--",
        "",
      ].join("\r\n"),
    );
    expect(await textOf(mht)).toBe(await textOf(gbkPage()));
  });

  it("refuses one without a page in Chinese", async () => {
    const result = await htmlToText(latin1('MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\nContent-Type: image/png\r\n\r\nxx\r\n--b--\r\n'));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/未在 \.mhtml 文件中找到网页正文/);
  });
});

describe("decodeHtml", () => {
  const gbk = encodeGbk;

  it.each<[string, () => Uint8Array, string]>([
    ["UTF-8 with a BOM", () => new Uint8Array([0xef, 0xbb, 0xbf, ...utf8("<p>预算</p>")]), "<p>预算</p>"],
    ["UTF-16LE with a BOM", () => new Uint8Array([0xff, 0xfe, ...Array.from("<p>预算</p>").flatMap((c) => [c.charCodeAt(0) & 255, c.charCodeAt(0) >> 8])]), "<p>预算</p>"],
    ["GBK declared by <meta charset>", () => gbk('<meta charset="gbk"><p>预算执行率</p>'), '<meta charset="gbk"><p>预算执行率</p>'],
    ["GB2312 declared by http-equiv", () => gbk('<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>决算</p>'), '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>决算</p>'],
    ["GBK declared as UTF-8 (a CMS default)", () => gbk('<meta charset="utf-8"><p>绩效自评报告</p>'), '<meta charset="utf-8"><p>绩效自评报告</p>'],
    ["GBK declaring nothing", () => gbk("<p>绩效自评报告</p>"), "<p>绩效自评报告</p>"],
    ["UTF-8 still declaring gb2312 (re-saved by a browser)", () => utf8('<meta charset="gb2312"><p>绩效自评报告</p>'), '<meta charset="gb2312"><p>绩效自评报告</p>'],
  ])("%s", (_name, bytes, expected) => {
    expect(decodeHtml(bytes())).toBe(expected);
  });

  it("refuses binary data", async () => {
    expect(decodeHtml(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]))).toBeNull();
    await expect(htmlToText(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]))).resolves.toEqual({ ok: false, error: "文件不是有效的网页文件" });
  });
});

describe("page tables", () => {
  it.each<[string, string, FlatBlock[]]>([
    [
      "rowspan and colspan as in flat.ts",
      '<table><tr><td rowspan="2">一级</td><td colspan="2">二级</td></tr><tr><td>a</td><td>b</td></tr></table>',
      [rows(["一级", "二级"], ["", "a", "b"])],
    ],
    [
      "<br>, <p> and <div> in a cell are line breaks of the cell",
      "<table><tr><td>年度<br>目标</td><td><p>一</p><div>二</div></td></tr></table>",
      [rows(["年度\n目标", "一\n二"])],
    ],
    [
      "rows and cells whose end tags are left out, as old pages do",
      "<table><tr><td>a<td>b<tr><td>c<td>d</table><p>后",
      [rows(["a", "b"], ["c", "d"]), line("后")],
    ],
    [
      "a layout table around the report: its cells are containers, the report's table keeps its grid",
      '<table><tr><td><a href="/">首页</a></td></tr><tr><td><p>正文一</p><table><tr><td>指标</td><td>得分</td></tr><tr><td>满意度</td><td>10</td></tr></table><p>正文二</p></td></tr></table>',
      [line("首页"), line("正文一"), rows(["指标", "得分"], ["满意度", "10"]), line("正文二")],
    ],
    [
      "a small table in a data table's cell becomes lines of the cell",
      "<table><tr><td>任务</td><td>内容</td><td>完成</td><td>备注</td></tr><tr><td>a</td><td><table><tr><td>x</td><td>y</td></tr></table></td><td>是</td><td>无</td></tr></table>",
      [rows(["任务", "内容", "完成", "备注"], ["a", "x y", "是", "无"])],
    ],
    [
      "a one-column table is a stack of paragraphs",
      "<table><tr><td>一、基本情况</td></tr><tr><td>泸县总工会是一级预算单位。</td></tr></table>",
      [line("一、基本情况"), line("泸县总工会是一级预算单位。")],
    ],
    [
      "a publication box becomes label：value lines",
      "<table><tr><td>索引号：</td><td>11510521MB1234567X/2024-00012</td><td>发布机构：</td><td>泸县总工会</td></tr><tr><td>生成日期</td><td>2024-06-20</td><td>文号</td><td></td></tr></table><p>正文</p>",
      [line("索引号：11510521MB1234567X/2024-00012"), line("发布机构：泸县总工会"), line("生成日期：2024-06-20"), line("文号："), line("正文")],
    ],
    [
      "a caption is a paragraph before its table",
      "<table><caption>自评表</caption><tr><td>a</td><td>b</td></tr></table>",
      [line("自评表"), rows(["a", "b"])],
    ],
  ])("%s", async (_name, body, expected) => {
    expect(await blocksOf(body)).toEqual(expected);
  });
});

describe("page chrome", () => {
  it.each<[string, string, string[]]>([
    ["breadcrumb by class", '<div class="crumbs"><a>首页</a> › <a>泸县财政局</a></div><p>正文</p>', ["正文"]],
    ["breadcrumb by text, its parts block elements", '<div><span>当前位置：</span><ul><li><a>首页</a></li><li><a>泸县财政局</a></li></ul></div><p>正文</p>', ["正文"]],
    ["breadcrumb in the report's container", '<div class="content"><p>您现在的位置：首页 &gt; 财政局</p><p>正文</p></div>', ["正文"]],
    ["breadcrumb without a marker", "<p>信息公开 &gt; 财政资金 &gt; 绩效评价</p><p>完成率&gt;95%，满意度&gt;90%，成本&gt;0</p>", ["完成率>95%，满意度>90%，成本>0"]],
    ["nav, aside, header and footer elements", "<header>泸县人民政府</header><nav>首页 政务公开</nav><aside>热点</aside><p>正文</p><footer>主办</footer>", ["正文"]],
    ["an article's own header is content", "<article><header><h1>泸县总工会2023年部门预算绩效评价报告</h1></header><p>正文</p></article>", ["泸县总工会2023年部门预算绩效评价报告", "正文"]],
    [
      "a container named like chrome that holds most of the page is kept",
      `<div class="main-header"><p>${"部门预算绩效评价报告正文。".repeat(20)}</p></div><div class="nav">首页</div>`,
      ["部门预算绩效评价报告正文。".repeat(20)],
    ],
    [
      "a link list",
      '<div><a href="#">一</a> <a href="#">二</a> <a href="#">三</a> <a href="#">四</a></div><p>正文有<a href="#">附件</a>一个</p>',
      ["正文有附件一个"],
    ],
    [
      "tool words and counters around the publication line",
      "<div>发布日期：2024-06-20 来源：泸县总工会 浏览次数：<span>123</span> 【字体：大 中 小】 【打印】 【关闭】</div><p>正文</p>",
      ["发布日期：2024-06-20 来源：泸县总工会", "正文"],
    ],
    ["hidden markup: scripts, styles, forms, svg", '<script>document.write("<p>x</p>")</script><style>p{}</style><svg><text>图</text></svg><form><input value="搜"><select><option>选项</option></select></form><p>正文</p>', ["正文"]],
    ["CSS utility classes are no breadcrumb", '<div class="position-relative"><p>正文一</p></div><p>正文二</p>', ["正文一", "正文二"]],
  ])("%s", async (_name, body, expected) => {
    expect(await blocksOf(body)).toEqual(expected.map(line));
  });

  it("prefers the named container, from the title above it to its end", async () => {
    const body =
      '<div class="left"><h3>栏目导读</h3><p>本栏目发布各部门预决算和绩效信息，欢迎查阅。</p></div>' +
      '<div class="right"><h1>泸县总工会2023年部门预算绩效评价报告</h1><p>发布日期：2024-06-20</p>' +
      `<div class="TRS_Editor"><p>${"一、部门（单位）基本情况。".repeat(10)}</p><p>二、部门资金收支情况</p></div>` +
      '<p>责任编辑：张三</p></div>';
    expect(await blocksOf(body)).toEqual([
      line("泸县总工会2023年部门预算绩效评价报告"),
      line("发布日期：2024-06-20"),
      line("一、部门（单位）基本情况。".repeat(10)),
      line("二、部门资金收支情况"),
    ]);
  });

  it("keeps an 信息公开 page's publication box above the title", async () => {
    const body =
      '<div class="xxgk-detail"><table class="xxgk-table"><tr><td>索引号：</td><td>115105210086/2024-00012</td><td>信息分类：</td><td>财政预决算</td></tr>' +
      '<tr><td>发布机构：</td><td>泸县总工会</td><td>生成日期：</td><td>2024-06-20</td></tr></table>' +
      `<div class="xxgk-content"><h1>泸县总工会2023年部门预算绩效评价报告</h1><div class="TRS_Editor"><p>${"一、部门（单位）基本情况。".repeat(20)}</p></div></div></div>`;
    expect(await blocksOf(`<div class="left"><p>${"栏目导读".repeat(10)}</p></div>${body}`)).toEqual([
      line("索引号：115105210086/2024-00012"),
      line("信息分类：财政预决算"),
      line("发布机构：泸县总工会"),
      line("生成日期：2024-06-20"),
      line("泸县总工会2023年部门预算绩效评价报告"),
      line("一、部门（单位）基本情况。".repeat(20)),
    ]);
  });

  it("reads the whole page when no container holds most of its text", async () => {
    const body = `<div class="content"><p>短</p></div><div><p>${"正文".repeat(50)}</p></div>`;
    expect(await blocksOf(body)).toEqual([line("短"), line("正文".repeat(50))]);
  });

  it.each<[string, string | null]>([
    ["您现在的位置：首页 > 政务公开 > 泸县财政局", null],
    ["当前位置: 首页 >> 信息公开", null],
    ["首页 > 泸县总工会", null],
    ["【字体：大 中 小】", null],
    ["打印本页 关闭窗口", null],
    ["【打印】【关闭】", null],
    ["分享到：微信 微博 QQ空间", null],
    ["上一篇：泸县民政局2023年部门预算绩效评价报告", null],
    ["主办单位：泸县人民政府办公室 承办单位：泸县大数据中心", null],
    ["网站标识码：5105210001 蜀ICP备05003386号", null],
    ["访问量：123456", null],
    ["相关文章", null],
    ["发布机构：泸县总工会 发布日期：2024-06-20", "发布机构：泸县总工会 发布日期：2024-06-20"],
    ["发布日期：2024-06-20 【字体：大 中 小】 【打印】", "发布日期：2024-06-20"],
    ["主办了职工运动会3场。", "主办了职工运动会3场。"],
    ["中", "中"],
    ["网站访问量：120万次，同比增长20%。", "网站访问量：120万次，同比增长20%。"],
    ["访问量达到120万人次", "访问量达到120万人次"],
    ["采购高分辨率显示屏2台", "采购高分辨率显示屏2台"],
    ["严格执行政府采购的程序：项目入库→立项→实施→评价", "严格执行政府采购的程序：项目入库→立项→实施→评价"],
    ["入库→立项→实施", "入库→立项→实施"],
    ["≥95%", "≥95%"],
    ["（二）存在问题。部分绩效指标缺乏科学合理地设置。", "（二）存在问题。部分绩效指标缺乏科学合理地设置。"],
  ])("chromeLine(%j)", (text, expected) => {
    expect(chromeLine(text)).toBe(expected);
  });
});

describe("hostile pages", () => {
  const refuses = async (html: string | Uint8Array, message: RegExp) => {
    const started = Date.now();
    const result = await htmlToText(typeof html === "string" ? utf8(html) : html);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(message);
  };

  it("refuses a page nested 100k deep, naming the limit", async () => {
    await refuses(`<html><body>${"<div>".repeat(100_000)}部门名称</body></html>`, new RegExp(`嵌套过深（超过 ${MAX_HTML_DEPTH} 层）`));
    await refuses(`<p>${"<span>".repeat(100_000)}</p>`, /嵌套过深/);
  });

  it("refuses too many elements, too many cells and a rowspan bomb", async () => {
    await refuses(`<p>${"<b></b>".repeat(MAX_HTML_ELEMENTS + 1)}</p>`, new RegExp(`元素过多（超过 ${MAX_HTML_ELEMENTS} 个）`));
    await refuses(`<p>${"</b>".repeat(3 * MAX_HTML_ELEMENTS)}</p>`, /元素过多/);
    await refuses(`<table>${`<tr>${"<td>1</td>".repeat(100)}</tr>`.repeat(MAX_HTML_TABLE_CELLS / 100 + 1)}</table>`, new RegExp(`单元格过多（超过 ${MAX_HTML_TABLE_CELLS} 个）`));
    await refuses(`<table><tr>${'<td rowspan="1000">x</td>'.repeat(5000)}</tr>${"<tr></tr>".repeat(1000)}</table>`, /网页表格过大/);
    await refuses(`<p>${"预算执行&nbsp;".repeat(MAX_HTML_TEXT_CHARS / 10 + 1)}</p>`, /网页文字过多/);
  });

  it("stays linear when closers cannot match (a </span> for a span outside the cell, 390k times)", async () => {
    const started = Date.now();
    await htmlToText(utf8(`<span><table><tr><td>${"<div>".repeat(500)}正文${"</span>".repeat(390_000)}</td></tr></table></span>`));
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("reads 150 tables nested in one another (within the depth limit) without recursion", async () => {
    const html = `${"<table><tr><td>".repeat(150)}泸县总工会${"</td></tr></table>".repeat(150)}`;
    expect(await textOf(utf8(html))).toBe("泸县总工会\n");
  });

  it("survives unterminated comments, tags and quotes", async () => {
    await expect(htmlToText(utf8("<p>正文</p><!-- 未结束"))).resolves.toEqual({ ok: true, text: "正文\n" });
    await expect(htmlToText(utf8('<p>正文</p><a href="x>链接</a>'))).resolves.toMatchObject({ ok: true });
    await expect(htmlToText(utf8("<p>正文<script>var a = '<p>'"))).resolves.toEqual({ ok: true, text: "正文\n" });
  });

  it("reads a text file saved as .html as text", async () => {
    await expect(htmlToText(utf8("一、部门（单位）基本情况\n泸县总工会"))).resolves.toEqual({ ok: true, text: "一、部门（单位）基本情况\n泸县总工会\n" });
  });

  it("refuses every hostile web page of the shared list, quickly and in Chinese", async () => {
    const pages = abusiveFiles().filter((f) => /\.(html?|mhtml?)$/i.test(f.fileName));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const file of pages) {
      const started = Date.now();
      const result = await convertUpload(file.fileName, file.bytes());
      expect(Date.now() - started, file.what).toBeLessThan(3000);
      expect(result.ok, file.what).toBe(false);
      expect(!result.ok && result.error, file.what).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it("never throws, whatever the bytes (property)", async () => {
    const original = page();
    const mutated = fc
      .array(fc.tuple(fc.nat(original.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 })
      .map((edits) => {
        const bytes = original.slice();
        for (const [at, value] of edits) bytes[at] = value;
        return bytes;
      });
    const markup = fc.array(fc.constantFrom("<", ">", "</", "<td", "<tr>", "<table>", "</table>", '"', "'", "=", "<!--", "-->", "<p>", "<br/>", " rowspan=3", "&#x", ";", "预算", "<script>", "</script"), { maxLength: 60 }).map((parts) => utf8(parts.join("")));
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, markup, fc.uint8Array({ maxLength: 2048 })), async (bytes) => {
        const result = await htmlToText(bytes);
        expect(typeof result.ok).toBe("boolean");
        if (!result.ok) expect(result.error).toMatch(/[\u4e00-\u9fff]/);
      }),
      { numRuns: 200 },
    );
  });
});
