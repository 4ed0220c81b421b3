import { describe, expect, it } from "vitest";
import { allowedTransitions, decideTransition, isEditable, type ReportStatus, type Transition } from "~/domain/workflow";

describe("workflow", () => {
  it.each<[ReportStatus, "staff" | "reviewer", Transition[]]>([
    ["draft", "staff", ["submit"]],
    ["returned", "staff", ["submit"]],
    ["submitted", "staff", []],
    ["approved", "staff", []],
    ["draft", "reviewer", []],
    ["submitted", "reviewer", ["return", "approve"]],
    ["returned", "reviewer", []],
    ["approved", "reviewer", ["reopen"]],
  ])("from %s a %s may %j", (status, role, expected) => {
    expect(allowedTransitions(status, role)).toEqual(expected);
  });

  it.each<[ReportStatus, boolean]>([["draft", true], ["returned", true], ["submitted", false], ["approved", false]])("%s editable: %s", (s, e) => {
    expect(isEditable(s)).toBe(e);
  });

  it.each([
    [{ status: "draft", role: "staff", transition: "submit" }, { ok: true, to: "submitted" }],
    [{ status: "draft", role: "staff", transition: "submit", errorCount: 2 }, { ok: false, code: "errors_block" }],
    [{ status: "draft", role: "staff", transition: "submit", unexplainedWarningCount: 1 }, { ok: false, code: "explanations_missing" }],
    [{ status: "submitted", role: "reviewer", transition: "return" }, { ok: false, code: "reason_required" }],
    [{ status: "submitted", role: "reviewer", transition: "return", reason: "   " }, { ok: false, code: "reason_required" }],
    [{ status: "submitted", role: "reviewer", transition: "return", reason: "请补充说明" }, { ok: true, to: "returned" }],
    [{ status: "submitted", role: "reviewer", transition: "approve", errorCount: 1 }, { ok: false, code: "override_required" }],
    [{ status: "submitted", role: "reviewer", transition: "approve", errorCount: 1, reason: "已电话核实" }, { ok: true, to: "approved" }],
    [{ status: "submitted", role: "reviewer", transition: "approve" }, { ok: true, to: "approved" }],
    [{ status: "draft", role: "reviewer", transition: "approve" }, { ok: false, code: "not_allowed" }],
    [{ status: "approved", role: "reviewer", transition: "reopen" }, { ok: false, code: "reason_required" }],
    [{ status: "approved", role: "reviewer", transition: "reopen", reason: "发现新问题" }, { ok: true, to: "submitted" }],
    [{ status: "approved", role: "staff", transition: "submit" }, { ok: false, code: "not_allowed" }],
    [{ status: "submitted", role: "reviewer", transition: "return", reason: "x".repeat(5001) }, { ok: false, code: "reason_too_long" }],
  ] as const)("decides %j", (input, expected) => {
    expect(decideTransition(input as Parameters<typeof decideTransition>[0])).toMatchObject(expected);
  });
});
