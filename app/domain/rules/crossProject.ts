/**
 * Cross-checks X1–X4 of docs/domain.md: what the department report says about its projects
 * (counts per kind, amounts, execution, how many left more than 10% unspent) against the same
 * unit-year's own project forms — both ways: every flag is returned for the report's field and
 * for each form it concerns. Pure; the caller refreshes them whenever either side changes.
 */
import { Decimal, dec, ratio, type Dec } from "../money";
import { fundsTotal, type ProjectEvaluation, type ProjectKind } from "../projectEvaluation";
import type { Flag, ReportDocument } from "../report";
import { flagBuilder, type RuleInfo } from "./catalog";
import { halfUnitOf, show, showPct, sumTolerance } from "./util";

export const CROSS_PROJECT_RULES = [
  { id: "PROJECT_COUNT", severity: "warning", title: "项目个数", description: "报告所述常年项目、一次性项目个数应等于本单位该年度对应类型的项目自评表份数。" },
  { id: "PROJECT_AMOUNT", severity: "warning", title: "项目金额", description: "报告所述项目金额应等于对应项目自评表调整后（全年）预算数之和（允许四舍五入误差）。" },
  { id: "PROJECT_OVER_BALANCE", severity: "warning", title: "结余超10%项目数", description: "报告所述结余率超过10%的项目个数应等于（调整后预算−执行数）/调整后预算>10%的项目自评表份数。" },
  { id: "PROJECT_EXECUTION", severity: "warning", title: "项目执行率", description: "报告所述项目执行率应等于各项目执行数之和/调整后预算数之和；全部项目执行数之和不应超过支出合计。" },
] as const satisfies readonly RuleInfo[];

export type CrossProjectRuleId = (typeof CROSS_PROJECT_RULES)[number]["id"];

const flag = flagBuilder<CrossProjectRuleId>(CROSS_PROJECT_RULES);

/** A unit-year's project form as the cross-checks see it. */
export interface UnitProjectForm {
  evaluation: ProjectEvaluation;
  /** Workflow status: a draft is not yet the unit's statement. */
  status: string;
}

export interface CrossProjectFlags {
  /** Flags for the department report (paths into the report: projects.recurring.count …). */
  report: Flag[];
  /** Flags per form, in the order given (paths into the form). */
  forms: Flag[][];
}

const KINDS: ReadonlyArray<readonly [ProjectKind, "recurring" | "oneOff", string]> = [
  ["recurring", "recurring", "常年项目"],
  ["oneOff", "oneOff", "一次性项目"],
];

/** (调整后预算 − 执行数) / 调整后预算 above this share counts as "more than 10% unspent". */
const OVER_BALANCE_SHARE = new Decimal("0.1");

export function crossCheckProjects(report: ReportDocument, forms: ReadonlyArray<UnitProjectForm>): CrossProjectFlags {
  const result: CrossProjectFlags = { report: [], forms: forms.map(() => []) };
  const statesAnything = KINDS.some(([, group]) => {
    const g = report.projects[group];
    return g.count !== null || g.amount !== null || g.executionPct !== null || g.overBalanceCount !== null;
  });
  if (!statesAnything) return result;
  const drafts = forms.filter((f) => f.status === "draft").length;
  if (drafts > 0) {
    // The unit is still filling its forms: say the check waits, do not warn yet.
    result.report.push({ ...flag("PROJECT_COUNT", "projects", `本单位尚有${drafts}份项目自评表未提交，项目个数、金额和执行率的交叉核对待提交后进行`, { drafts }), severity: "info" });
    return result;
  }
  const both = (rule: CrossProjectRuleId, path: string, message: string, values: Flag["values"], concerned: number[], formPath: string) => {
    result.report.push(flag(rule, path, message, values));
    for (const i of concerned) result.forms[i].push(flag(rule, formPath, `部门报告：${message}`, values));
  };

  const unknownKind = forms.map((f, i) => (f.evaluation.project.kind === null ? i : -1)).filter((i) => i >= 0);
  for (const [kind, group, name] of KINDS) {
    const stated = report.projects[group];
    const ofKind = forms.map((f, i) => (f.evaluation.project.kind === kind ? i : -1)).filter((i) => i >= 0);
    // Forms of unknown kind could be either: a per-kind comparison is only sound without them.
    if (unknownKind.length > 0) continue;
    // X1
    if (stated.count !== null && stated.count !== ofKind.length) {
      both("PROJECT_COUNT", `projects.${group}.count`, `报告称${name}${stated.count}个，但本单位${name}自评表有${ofKind.length}份`,
        { stated: stated.count, forms: ofKind.length }, ofKind, "project.kind");
    }
    const totals = ofKind.map((i) => fundsTotal(forms[i].evaluation));
    const adjusted = totals.map((t) => t?.adjustedBudget ?? null);
    const executed = totals.map((t) => t?.executed ?? null);
    const allAdjusted = adjusted.every((v): v is string => v !== null);
    const allExecuted = executed.every((v): v is string => v !== null);
    // X2
    if (stated.amount !== null && allAdjusted && ofKind.length > 0) {
      const sum = adjusted.reduce((acc, v) => acc.plus(v), new Decimal(0));
      if (sum.minus(stated.amount).abs().gt(sumTolerance([stated.amount, ...adjusted]))) {
        both("PROJECT_AMOUNT", `projects.${group}.amount`, `报告称${name}金额${stated.amount}万元，但${ofKind.length}份自评表调整后预算数合计${show(sum)}万元`,
          { stated: stated.amount, sum: show(sum) }, ofKind, "funds.rows");
      }
    }
    // X3
    if (stated.overBalanceCount !== null && allAdjusted && allExecuted) {
      const over = ofKind.filter((i, k) => {
        const budget = dec(adjusted[k]);
        if (!budget || budget.isZero()) return false;
        return budget.minus(executed[k]!).dividedBy(budget).gt(OVER_BALANCE_SHARE);
      });
      if (over.length !== stated.overBalanceCount) {
        both("PROJECT_OVER_BALANCE", `projects.${group}.overBalanceCount`, `报告称结余率超过10%的${name}${stated.overBalanceCount}个，但自评表中有${over.length}个`,
          { stated: stated.overBalanceCount, forms: over.length }, over.length > 0 ? over : ofKind, "funds.rows");
      }
    }
    // X4 (per kind)
    if (stated.executionPct !== null && allAdjusted && allExecuted && ofKind.length > 0) {
      const rate = ratio(sumOf(executed as string[]), sumOf(adjusted));
      if (rate && rate.times(100).minus(stated.executionPct).abs().gt(halfUnitOf(stated.executionPct))) {
        both("PROJECT_EXECUTION", `projects.${group}.executionPct`, `报告称${name}执行率${stated.executionPct}%，按自评表执行数/调整后预算数计算为${showPct(rate)}%`,
          { stated: stated.executionPct, computed: show(rate.times(100), 4) }, ofKind, "funds.rows");
      }
    }
  }
  if (unknownKind.length > 0) {
    // Kinds not on the forms: the total count still compares.
    const r = report.projects.recurring.count, o = report.projects.oneOff.count;
    if (r !== null && o !== null && r + o !== forms.length) {
      both("PROJECT_COUNT", "projects.recurring.count", `报告称常年项目${r}个、一次性项目${o}个，共${r + o}个，但本单位项目自评表有${forms.length}份`,
        { stated: r + o, forms: forms.length }, forms.map((_, i) => i), "project.kind");
    }
  }
  // X4 (all forms): what the projects spent cannot exceed what the department spent.
  const allExecuted = forms.map((f) => fundsTotal(f.evaluation)?.executed ?? null);
  const expenditure = dec(report.expenditure.total);
  if (expenditure && forms.length > 0 && allExecuted.every((v): v is string => v !== null)) {
    const spent = sumOf(allExecuted as string[]);
    if (spent.minus(expenditure).gt(sumTolerance([report.expenditure.total!, ...(allExecuted as string[])]))) {
      both("PROJECT_EXECUTION", "expenditure.total", `${forms.length}份项目自评表执行数合计${show(spent)}万元，超过报告支出合计${report.expenditure.total}万元`,
        { spent: show(spent), expenditure: report.expenditure.total }, forms.map((_, i) => i), "funds.rows");
    }
  }
  return result;
}

function sumOf(values: ReadonlyArray<string>): Dec {
  return values.reduce((acc, v) => acc.plus(v), new Decimal(0));
}
