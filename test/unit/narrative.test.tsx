// @vitest-environment happy-dom
/**
 * The narrative downstream of the form: the A4 print view (narrative first, then the
 * 自评表), the JSON export, and the reviewer's change list for a rewritten section.
 */
import { readFileSync } from "node:fs";
import { URL as NodeURL } from "node:url";
import { act, type ReactNode } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PrintReport } from "~/components/report";
import { ChangeRow } from "~/components/ReviewPanel";
import { diffDocuments, fieldLabel } from "~/domain/diff";
import { parseInterchangeJson } from "~/domain/import/json";
import { reportDocumentSchema, type ReportDocument } from "~/domain/report";
import { interchangeDownload } from "~/routes/reports.$reportId.export[.json]";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const LONG = `　　${"本年度共开展职工技能培训、困难职工帮扶和劳模慰问等工作。".repeat(40)}\n　　第二段。`;

function report(): ReportDocument {
  const raw = JSON.parse(readFileSync(new NodeURL("../fixtures/luxian-trade-union-2023.expected.json", import.meta.url), "utf8"));
  delete raw.expectedFlags;
  delete raw.mustNotFlag;
  return reportDocumentSchema.parse({
    ...raw,
    narrative: {
      "一、部门（单位）基本情况": "　　泸县总工会是一级预算单位。\n\n　　内设机构5个。",
      "二、部门资金收支情况": "收入合计575.65万元。",
      "三、部门预算绩效分析": LONG,
      "四、评价结论及建议": "自评综合得分93.4分。",
    },
  });
}

let container: HTMLDivElement;
let root: Root;
beforeEach(() => {
  container = document.createElement("div");
  document.body.appendChild(container);
  root = createRoot(container);
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
});
const show = (node: ReactNode) => act(() => root.render(node));

describe("the print view", () => {
  const header = { unitName: "泸县总工会", countyName: "泸县", year: 2023, status: "submitted" as const, revision: 1 };

  it("prints the narrative sections in order, unfolded, before the 自评表", () => {
    show(<PrintReport report={header} document={report()} />);
    const headings = [...container.querySelectorAll("h2")].map((h) => h.textContent);
    expect(headings.slice(0, 4)).toEqual(["一、部门（单位）基本情况", "二、部门资金收支情况", "三、部门预算绩效分析", "四、评价结论及建议"]);
    expect(headings.indexOf("一、基本情况")).toBeGreaterThan(3);
    expect(headings.indexOf("六、绩效目标自评表")).toBeGreaterThan(3);
    // Once only: not again as the form's 文字说明 section.
    expect(headings.some((h) => h?.includes("文字说明"))).toBe(false);
    const texts = [...container.querySelectorAll(".print-narrative .narrative-text")].map((t) => t.textContent);
    expect(texts[0]).toBe("　　泸县总工会是一级预算单位。\n\n　　内设机构5个。");
    expect(texts[2]).toBe(LONG);
    expect(container.querySelectorAll(".print-narrative button")).toHaveLength(0);
    expect(container.querySelectorAll("input, textarea, select")).toHaveLength(0);
    expect(container.textContent).toContain("单位负责人（签字）");
  });

  it("starts the table on a new A4 sheet; a report without narrative prints as before", () => {
    show(<PrintReport report={header} document={report()} />);
    expect(container.querySelector<HTMLElement>(".print-narrative")!.style.breakAfter).toBe("page");
    const { narrative: _none, ...bare } = report();
    show(<PrintReport report={header} document={bare} />);
    expect(container.querySelector(".print-narrative")).toBeNull();
    expect(container.querySelector("h2")!.textContent).toBe("一、基本情况");
  });
});

describe("the JSON export", () => {
  it("contains the narrative, in order, and imports back identically", async () => {
    const response = interchangeDownload({ unitName: "泸县总工会", year: 2023 }, report());
    expect(response.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    const body = await response.text();
    const exported = JSON.parse(body) as ReportDocument;
    expect(Object.keys(exported.narrative!)).toEqual(["一、部门（单位）基本情况", "二、部门资金收支情况", "三、部门预算绩效分析", "四、评价结论及建议"]);
    expect(exported.narrative!["三、部门预算绩效分析"]).toBe(LONG);
    const back = parseInterchangeJson(body);
    expect(back.ok).toBe(true);
    expect(back.document).toStrictEqual(report());
  });
});

describe("the reviewer's change list", () => {
  const changeOf = (before: ReportDocument, after: ReportDocument) => {
    const [change] = diffDocuments(before, after);
    return { ...change, label: fieldLabel(change.path) };
  };
  const row = (change: ReturnType<typeof changeOf>) => show(<table><tbody><ChangeRow change={change} /></tbody></table>);

  it("shows a rewritten sentence of a long section, the whole text on request", () => {
    const after = report();
    after.narrative!["三、部门预算绩效分析"] = LONG.replace("第二段。", "第二段（已补充）。");
    const change = changeOf(report(), after);
    expect(change.label).toBe("文字说明·三、部门预算绩效分析");
    row(change);
    const [, before, now] = [...container.querySelectorAll("td")].map((td) => td.textContent!);
    expect(before.length).toBeLessThan(100);
    expect(before).toMatch(/^….*第二段。$/s);
    expect(now).toMatch(/^….*第二段（已补充）。$/s);
    const button = container.querySelector("button")!;
    expect(button.textContent).toBe(`查看全文（修改前${LONG.length}字，修改后${LONG.length + 5}字）`);
    act(() => button.click());
    expect(container.querySelectorAll("td")[1].textContent).toBe(LONG);
  });

  it("shows a short change as it is", () => {
    const after = report();
    after.narrative!["二、部门资金收支情况"] = "收入合计575.66万元。";
    row(changeOf(report(), after));
    expect([...container.querySelectorAll("td")].map((td) => td.textContent)).toEqual(["文字说明·二、部门资金收支情况", "收入合计575.65万元。", "收入合计575.66万元。"]);
    expect(container.querySelector("button")).toBeNull();
  });
});
