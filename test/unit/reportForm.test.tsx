// @vitest-environment happy-dom
import { readFileSync } from "node:fs";
import { URL as NodeURL } from "node:url";
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { conflictMessage, ReportFormView, type ReportFormPost, type ReportFormViewProps, type SaveResult } from "~/components/report";
import { computeFigures } from "~/components/report/figures";
import { addRow, moveRow, removeRow } from "~/components/report/rows";
import { blankIndicator, toFormDocument } from "~/domain/formDocument";
import { reportDocumentSchema, type ReportDocument } from "~/domain/report";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

function reference(): ReportDocument {
  const raw = JSON.parse(readFileSync(new NodeURL("../fixtures/luxian-trade-union-2023.expected.json", import.meta.url), "utf8"));
  delete raw.expectedFlags;
  delete raw.mustNotFlag;
  return reportDocumentSchema.parse(raw);
}

let container: HTMLDivElement;
let root: Root;
let posts: ReportFormPost[];

const byId = <T extends HTMLElement = HTMLInputElement>(id: string) => document.getElementById(id) as T | null;
const field = <T extends HTMLElement = HTMLInputElement>(path: string) => byId<T>(`field-${path}`);
const buttonNamed = (name: string) =>
  [...container.querySelectorAll("button")].find((b) => b.textContent?.trim() === name || b.getAttribute("aria-label") === name) as HTMLButtonElement;

function render(overrides: Partial<ReportFormViewProps> = {}) {
  const props: ReportFormViewProps = {
    initial: reference(),
    version: 3,
    explanations: {},
    ruleContext: {},
    editable: true,
    busy: false,
    onPost: (fields) => posts.push(fields),
    ...overrides,
  };
  act(() => root.render(<ReportFormView {...props} />));
  return (more: Partial<ReportFormViewProps>) => {
    Object.assign(props, more);
    act(() => root.render(<ReportFormView {...props} />));
  };
}

/** Type into a controlled input the way a user does (React listens to input events). */
function type(el: HTMLInputElement | HTMLTextAreaElement, value: string) {
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  act(() => {
    Object.getOwnPropertyDescriptor(proto, "value")!.set!.call(el, value);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
}
const blur = (el: HTMLElement) => act(() => el.dispatchEvent(new FocusEvent("focusout", { bubbles: true })));
const click = (el: HTMLElement) => act(() => el.click());

beforeEach(() => {
  vi.useFakeTimers();
  posts = [];
  container = document.createElement("div");
  document.body.appendChild(container);
  root = createRoot(container);
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
  vi.useRealTimers();
});

describe("ReportFormView", () => {
  it("renders every field with id field-<path> and a label", () => {
    render();
    expect(field("income.total")!.value).toBe("575.65");
    expect(field("expenditure.lines[3].final")!.getAttribute("aria-label")).toBe("第4行 决算数");
    expect(field("targets.indicators[4].score")!.value).toBe("110");
    expect(field("staffing.actual.admin")!.getAttribute("aria-label")).toBe("实有人数 行政");
    // The imported nature "满意率" stays as an extra option.
    expect(field<HTMLSelectElement>("targets.indicators[6].nature")!.value).toBe("满意率");
    for (const input of container.querySelectorAll("input, select, textarea")) {
      const labelled = input.getAttribute("aria-label") || container.querySelector(`label[for="${CSS.escape(input.id)}"]`);
      expect(labelled, input.id).toBeTruthy();
      if (!input.id.startsWith("explanation-")) expect(input.id).toMatch(/^field-/);
    }
    expect(container.textContent).toContain("一般公共服务");
  });

  it("shows the reference report's flags, beside the fields too, and blocks submit", () => {
    render();
    const panel = container.querySelector(".flags-panel")!;
    expect(panel.textContent).toContain("指标得分范围");
    expect(panel.textContent).toContain("自评总分");
    expect(container.querySelector(".has-flag-error #field-targets\\.indicators\\[4\\]\\.score")).toBeTruthy();
    expect(buttonNamed("提交审核").disabled).toBe(true);
    expect(container.textContent).toContain("还有2个强制性错误，修正后才能提交");
  });

  it("shows a field error after leaving the field, keeps the input and refuses to save", () => {
    render();
    const total = field("income.total")!;
    type(total, "abc");
    expect(container.textContent).not.toContain("请输入数字");
    blur(total);
    expect(container.textContent).toContain("请输入数字");
    expect(total.value).toBe("abc");
    expect(container.textContent).toContain("有未保存的修改");
    click(buttonNamed("保存草稿"));
    expect(posts).toHaveLength(0);
    expect(container.querySelector('[role="alert"]')!.textContent).toContain("有1处填写错误");
  });

  it("posts the form as typed and takes the new version on success", () => {
    const rerender = render();
    type(field("income.total")!, "１，２８６．４０");
    click(buttonNamed("保存草稿"));
    expect(posts).toHaveLength(1);
    expect(posts[0].intent).toBe("save");
    expect(posts[0].version).toBe("3");
    expect(JSON.parse(posts[0].document).income.total).toBe("１，２８６．４０");
    expect(JSON.parse(posts[0].explanations)).toEqual({});
    rerender({ result: { ok: true, version: 4, flags: [] } });
    expect(container.textContent).not.toContain("有未保存的修改");
    expect(container.textContent).toContain("版本 4");
    click(buttonNamed("保存草稿"));
    expect(posts[1].version).toBe("4");
  });

  it("shows server errors beside their fields and a conflict as a form alert", () => {
    const rerender = render();
    type(field("income.total")!, "12");
    click(buttonNamed("保存草稿"));
    const errors: SaveResult = { ok: false, errors: { "income.fiscal": "财政拨款不能大于收入合计" } };
    rerender({ result: errors });
    expect(field("income.fiscal")!.getAttribute("aria-invalid")).toBe("true");
    expect(container.textContent).toContain("财政拨款不能大于收入合计");
    expect(field("income.total")!.value).toBe("12");
    rerender({ result: { ok: false, conflict: { status: "submitted", version: 9 } } });
    expect(container.textContent).toContain(conflictMessage("submitted"));
    expect(conflictMessage("submitted")).toBe("该报告已被他人修改（当前状态：已提交），请刷新页面查看最新内容；您填写的内容仍保留在本页。");
    expect(field("income.total")!.value).toBe("12");
  });

  it("moves, removes and adds rows", () => {
    render();
    click(buttonNamed("上移第2行") ?? (null as never));
    // The first "上移第2行" is in the expenditure lines table.
    expect(field("expenditure.lines[0].code")!.value).toBe("2012999");
    expect(field("expenditure.lines[1].code")!.value).toBe("2012901");
    click(buttonNamed("删除第1行"));
    expect(field("expenditure.lines[0].code")!.value).toBe("2012901");
    expect(field("expenditure.lines[8]")).toBeNull();
    click(buttonNamed("添加一行（支出明细）"));
    expect(field("expenditure.lines[8].code")!.value).toBe("");
  });

  it("recomputes the flags after a pause and asks for explanations of warnings", () => {
    render();
    type(field("targets.indicators[4].score")!, "10");
    type(field("selfScore")!, "98");
    act(() => vi.advanceTimersByTime(350));
    const panel = container.querySelector(".flags-panel")!;
    expect(panel.textContent).not.toContain("指标得分范围");
    expect(buttonNamed("提交审核").disabled).toBe(true);
    expect(container.textContent).toMatch(/还有\d+个提示性问题未填写情况说明/);
    const boxes = [...container.querySelectorAll<HTMLTextAreaElement>('textarea[id^="explanation-"]')];
    expect(boxes.length).toBeGreaterThan(0);
    for (const box of boxes) type(box, "年中追加预算");
    expect(buttonNamed("提交审核").disabled).toBe(false);
    click(buttonNamed("提交审核"));
    expect(posts.at(-1)!.intent).toBe("submit");
    expect(Object.keys(JSON.parse(posts.at(-1)!.explanations))).toContain("DEVIATION_OVER@budgetManagement.statedDeviationPct");
  });

  it("shows live figures", () => {
    render();
    const figures = container.querySelector(".live-figures")!.textContent!;
    expect(figures).toContain("575.66 万元");
    expect(figures).toContain("100%"); // execution rate and Σ weights
    expect(figures).toContain("26.33%");
    expect(figures).toContain("198");
    type(field("income.initialBudget")!, "0");
    expect(container.querySelector(".live-figures")!.textContent).toContain("偏离度（计算）—");
  });

  it("saves on Ctrl+S", () => {
    render();
    act(() => window.dispatchEvent(new KeyboardEvent("keydown", { key: "s", ctrlKey: true })));
    expect(posts).toHaveLength(1);
  });

  it("renders read-only without inputs, same ids", () => {
    render({ editable: false, explanations: { "DEVIATION_OVER@budgetManagement.statedDeviationPct": "年中追加" } });
    expect(container.querySelectorAll("input, select, textarea")).toHaveLength(0);
    expect(field("income.total")!.textContent).toBe("575.65");
    expect(field("income.other")!.textContent).toBe("—");
    expect(container.textContent).toContain("年中追加");
    expect(container.textContent).not.toContain("保存草稿");
  });
});

describe("the narrative (文字说明)", () => {
  const LONG = `　　${"泸县总工会坚持以习近平新时代中国特色社会主义思想为指导，".repeat(30)}\n　　第二段。`;
  const withNarrative = (): ReportDocument => ({
    ...reference(),
    narrative: { "一、部门（单位）基本情况": "　　泸县总工会是一级预算单位。\n\n　　内设机构5个。", "三、部门预算绩效分析": LONG, "五、存在问题": "无" },
  });
  const narrativeOf = (post: ReportFormPost) => JSON.parse(post.document).narrative as Array<{ title: string; text: string }>;

  it("staff edit each section's title and text in the form that saves the draft", () => {
    render({ initial: withNarrative() });
    const text = field<HTMLTextAreaElement>("narrative[0].text")!;
    expect(text.tagName).toBe("TEXTAREA");
    expect(text.value).toBe("　　泸县总工会是一级预算单位。\n\n　　内设机构5个。");
    expect(field("narrative[1].title")!.value).toBe("三、部门预算绩效分析");
    expect(container.querySelector(`label[for="${CSS.escape("field-narrative[0].text")}"]`)!.textContent).toBe("第1节 正文");
    type(text, "　　改写后的基本情况。");
    expect(container.textContent).toContain("有未保存的修改");
    click(buttonNamed("保存草稿"));
    expect(narrativeOf(posts[0])[0]).toEqual({ title: "一、部门（单位）基本情况", text: "　　改写后的基本情况。" });
    expect(narrativeOf(posts[0]).map((s) => s.title)).toEqual(["一、部门（单位）基本情况", "三、部门预算绩效分析", "五、存在问题"]);
  });

  it("adds, removes (with undo) and reorders sections", () => {
    render({ initial: withNarrative() });
    click(buttonNamed("添加一节（文字说明）"));
    type(field("narrative[3].title")!, "六、改进建议");
    type(field<HTMLTextAreaElement>("narrative[3].text")!, "加强预算编制。");
    click(buttonNamed("删除第2节"));
    expect(field("narrative[1].title")!.value).toBe("五、存在问题");
    expect(container.textContent).toContain("已删除“三、部门预算绩效分析”");
    click(buttonNamed("撤销删除"));
    expect(field("narrative[1].title")!.value).toBe("三、部门预算绩效分析");
    click(buttonNamed("删除第2节"));
    click(buttonNamed("上移第3节"));
    click(buttonNamed("保存草稿"));
    expect(narrativeOf(posts[0])).toEqual([
      { title: "一、部门（单位）基本情况", text: "　　泸县总工会是一级预算单位。\n\n　　内设机构5个。" },
      { title: "六、改进建议", text: "加强预算编制。" },
      { title: "五、存在问题", text: "无" },
    ]);
  });

  it("shows a Chinese error beside the section, keeps what was typed and refuses to save", () => {
    render({ initial: withNarrative() });
    const text = field<HTMLTextAreaElement>("narrative[2].text")!;
    const tooLong = "字".repeat(50_001);
    type(text, tooLong);
    blur(text);
    expect(container.textContent).toContain("正文不能超过50000个字（现有50001字）");
    expect(text.getAttribute("aria-invalid")).toBe("true");
    expect(text.value).toBe(tooLong);
    expect(container.textContent).toContain("50,001 / 50,000字");
    type(field("narrative[1].title")!, "一、部门（单位）基本情况");
    click(buttonNamed("保存草稿"));
    expect(posts).toHaveLength(0);
    const summary = container.querySelector(".error-summary")!.textContent!;
    expect(summary).toContain("文字说明第3节·正文：正文不能超过50000个字");
    expect(summary).toContain("文字说明第2节·标题：与第1节标题重复");
  });

  it("reviewers read the text as written, long sections folded, without inputs", () => {
    render({ initial: withNarrative(), editable: false });
    expect(container.querySelectorAll("textarea, input")).toHaveLength(0);
    const first = field<HTMLElement>("narrative[0].text")!;
    // Whitespace and blank lines are the text's own (shown with white-space: pre-wrap).
    expect(first.textContent).toBe("　　泸县总工会是一级预算单位。\n\n　　内设机构5个。");
    expect(first.className).toContain("ro-multiline");
    const headings = [...container.querySelectorAll("#section-narrative h3")].map((h) => h.textContent);
    expect(headings).toEqual(["一、部门（单位）基本情况", "三、部门预算绩效分析", "五、存在问题"]);
    const long = field<HTMLElement>("narrative[1].text")!;
    expect(long.textContent!.length).toBeLessThan(LONG.length);
    expect(long.textContent!.endsWith("…")).toBe(true);
    const toggle = buttonNamed(`展开全文（共${LONG.length.toLocaleString("zh-CN")}字）`);
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    click(toggle);
    expect(long.textContent).toBe(LONG);
    click(buttonNamed("收起"));
    expect(long.textContent!.endsWith("…")).toBe(true);
    expect(container.textContent).not.toContain("添加一节");
  });

  it("a report without narrative says so to the reviewer", () => {
    render({ editable: false });
    expect(container.querySelector("#section-narrative")!.textContent).toContain("暂无文字说明");
  });
});

describe("row edits keep explanations with their rows", () => {
  const form = toFormDocument(reference());
  const explanations = {
    "NATURE_INVALID@targets.indicators[6].nature": "满意度调查",
    "SCORE_ABOVE_FORMULA@targets.indicators[2].score": "按完成情况",
    "DEVIATION_OVER@budgetManagement.statedDeviationPct": "年中追加",
  };

  it("moves", () => {
    const edit = moveRow(form, explanations, "targets.indicators", 6, -1);
    expect(edit.form.targets.indicators[5].name).toBe("服务对象满意度指标");
    expect(edit.explanations).toEqual({
      "NATURE_INVALID@targets.indicators[5].nature": "满意度调查",
      "SCORE_ABOVE_FORMULA@targets.indicators[2].score": "按完成情况",
      "DEVIATION_OVER@budgetManagement.statedDeviationPct": "年中追加",
    });
    expect(moveRow(form, explanations, "targets.indicators", 0, -1).form).toBe(form);
  });

  it("removes, dropping the removed row's explanations", () => {
    const edit = removeRow(form, explanations, "targets.indicators", 2);
    expect(edit.form.targets.indicators).toHaveLength(7);
    expect(edit.explanations).toEqual({
      "NATURE_INVALID@targets.indicators[5].nature": "满意度调查",
      "DEVIATION_OVER@budgetManagement.statedDeviationPct": "年中追加",
    });
  });

  it("counts document rows, not blank form rows", () => {
    // A blank row on top: document index 6 is form row 7.
    const withBlank = { ...form, targets: { ...form.targets, indicators: [blankIndicator(), ...form.targets.indicators] } };
    const edit = moveRow(withBlank, explanations, "targets.indicators", 7, 1);
    expect(edit.explanations["NATURE_INVALID@targets.indicators[7].nature"]).toBe("满意度调查");
    expect(addRow(form, "expenditure.lines").expenditure.lines).toHaveLength(10);
  });
});

describe("live figures", () => {
  it("are exact and undefined without a denominator", () => {
    const f = computeFigures(toFormDocument(reference()));
    expect(f).toMatchObject({
      linesFinalSum: "575.66", expenditureTotal: "575.65", linesDifference: "0.01", executionRatePct: "100",
      deviationPct: "26.33", statedDeviationPct: "26.33", weightSum: "100", scoreSum: "198", selfScore: "93.4", scoreDifference: "104.6",
    });
    const empty = computeFigures(toFormDocument(reportDocumentSchema.parse({ ...reference(), income: { ...reference().income, initialBudget: "0", adjustedBudget: null } })));
    expect(empty.deviationPct).toBeNull();
    expect(empty.executionRatePct).toBeNull();
  });
});
