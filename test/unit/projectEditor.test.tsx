// @vitest-environment happy-dom
/**
 * The project form in the browser (ProjectEditor) and its post (formData.ts): a stored form
 * round-trips through the inputs' names unchanged, numbers are read as typed, errors land
 * beside their inputs, rows are added and removed without losing what was typed.
 */
import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { createMemoryRouter, RouterProvider } from "react-router-dom";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProjectEditor, type ProjectEditorProps } from "~/components/projects/ProjectEditor";
import { explanationsFromFormData, fieldsFromFormData, fieldsOfDocument, readProjectForm } from "~/components/projects/formData";
import { emptyProjectEvaluation, type ProjectEvaluation } from "~/domain/projectEvaluation";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

function form(): ProjectEvaluation {
  return {
    ...emptyProjectEvaluation(),
    project: { code: "X-1", name: "工资性支出", kind: "recurring" },
    unit: { name: "泸县总工会", code: null },
    year: 2023,
    levelWeights: { 产出指标: "50" },
    funds: { rows: [{ kind: "total", label: "总额", initialBudget: "100", adjustedBudget: "100", executed: "98.5", statedRatePct: "98.5", weight: "10", score: "9.85", reason: null }] },
    indicators: [{ level1: "产出指标", level2: "数量指标", name: "覆盖率", nature: "=", target: "100", unit: "%", weightPct: "90", actual: "100", score: "90", reason: null }],
    totalScore: "99.85",
    conclusion: "按计划完成。",
  };
}

let container: HTMLDivElement;
let root: Root;

function render(overrides: Partial<ProjectEditorProps> = {}) {
  const props: ProjectEditorProps = {
    initial: fieldsOfDocument(form()), version: 2, unitName: "泸县总工会", year: 2023, errors: {}, flags: [], crossFlags: [], explanations: {},
    canSubmit: true, busy: false, ...overrides,
  };
  const router = createMemoryRouter([{ path: "/", element: <ProjectEditor {...props} />, action: () => null }]);
  act(() => root.render(<RouterProvider router={router} future={{ v7_startTransition: true }} />));
}

const input = (path: string) => document.getElementById(`field-${path}`) as HTMLInputElement;
const posted = () => new FormData(container.querySelector("form")!);

function type(path: string, value: string) {
  const el = input(path);
  act(() => {
    const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), "value")!.set!;
    setter.call(el, value);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

beforeEach(() => {
  container = document.createElement("div");
  document.body.appendChild(container);
  root = createRoot(container);
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

describe("ProjectEditor", () => {
  it("posts every field under its document path, and the post reads back to the same form", () => {
    render();
    expect(input("funds.rows[0].executed").value).toBe("98.5");
    const read = readProjectForm(fieldsFromFormData(posted()), form());
    expect(read).toEqual({ ok: true, document: form() });
  });

  it("keeps typed input, adds and removes rows, and shows errors beside their inputs", () => {
    render({ errors: { "indicators[0].score": "请输入数字" } });
    expect(document.getElementById("field-indicators[0].score-error")?.textContent).toBe("请输入数字");
    expect(input("indicators[0].score").getAttribute("aria-invalid")).toBe("true");
    type("indicators[0].score", "八十");
    const add = [...container.querySelectorAll("button")].find((b) => b.textContent === "添加指标行")!;
    act(() => add.click());
    type("indicators[1].name", "满意度");
    expect(input("indicators[0].score").value).toBe("八十");
    const remove = container.querySelector('[aria-label="删除第1指标行"]') as HTMLButtonElement;
    act(() => remove.click());
    expect(input("indicators[0].name").value).toBe("满意度");
    expect(posted().get("indicators[0].name")).toBe("满意度");
  });

  it("posts the explanations of warnings with the form", () => {
    const warning = { rule: "PROJECT_ADJUSTED", severity: "warning" as const, path: "funds.rows[0].reason", message: "调整未说明", values: {} };
    render({ flags: [warning], explanations: { "PROJECT_ADJUSTED@funds.rows[0].reason": "年中追加" } });
    expect(explanationsFromFormData(posted())).toEqual({ "PROJECT_ADJUSTED@funds.rows[0].reason": "年中追加" });
  });
});

describe("readProjectForm", () => {
  it("reads numbers as typed (thousands, full-width digits, a trailing %), drops blank rows", () => {
    const fields = fieldsOfDocument(form());
    fields.funds.rows[0].adjustedBudget = "1,000";
    fields.funds.rows[0].statedRatePct = "98.5%";
    fields.totalScore = "９９.８５";
    fields.indicators.push({ level1: "", level2: "", name: "", nature: "", target: "", unit: "", actual: "", weightPct: "", score: "", reason: "" });
    const read = readProjectForm(fields, form());
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.document.funds.rows[0]).toMatchObject({ adjustedBudget: "1000", statedRatePct: "98.5" });
    expect(read.document.totalScore).toBe("99.85");
    expect(read.document.indicators).toHaveLength(1);
    expect(read.document.levelWeights).toEqual({ 产出指标: "50" });
  });

  it("answers by document path in Chinese", () => {
    const fields = fieldsOfDocument(form());
    fields.project.name = " ";
    fields.funds.rows[0].executed = "-3";
    fields.indicators[0].weightPct = "很多";
    const read = readProjectForm(fields, form());
    expect(read).toEqual({ ok: false, errors: { "project.name": "请填写项目名称", "funds.rows[0].executed": "不能为负数", "indicators[0].weightPct": "请输入数字" } });
  });
});
