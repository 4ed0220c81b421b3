/** Budget rules: deviation, execution, projects. */
import { Decimal, dec, ratio, sum, type Dec } from "../money";
import type { ReportDocument } from "../report";
import { flag } from "./catalog";
import type { Check, RuleContext } from "./context";
import { allDec, halfUnitOf, show, showPct, sumTolerance, threshold } from "./util";

/** 偏离度 = (finalAmount − initialBudget) / initialBudget, finalAmount = expenditure.total; null if undefined. */
export function deviationOf(doc: ReportDocument): Dec | null {
  const final = dec(doc.expenditure.total), initial = dec(doc.income.initialBudget);
  if (!final || !initial) return null;
  return ratio(final.minus(initial), initial);
}

/** 预算执行率 = finalAmount / adjustedBudget; null if undefined. */
export function executionRateOf(doc: ReportDocument): Dec | null {
  return ratio(dec(doc.expenditure.total), dec(doc.income.adjustedBudget));
}

/** abs(deviation) above the threshold (DEVIATION_OVER holds). */
export function deviationOver(doc: ReportDocument, ctx: RuleContext): boolean {
  const d = deviationOf(doc);
  return d !== null && d.abs().times(100).gt(threshold(ctx.settings.deviationPct));
}

/** Execution rate below the threshold (EXECUTION_LOW holds). */
export function executionLow(doc: ReportDocument, ctx: RuleContext): boolean {
  const r = executionRateOf(doc);
  return r !== null && r.times(100).lt(threshold(ctx.settings.executionPct));
}

/**
 * The stated deviation % = the computed one within 0.01 percentage point — or within half a
 * unit of the stated figure's last digit when it is written coarser ("26.3", "26").
 */
export const deviationStated: Check = (doc) => {
  const stated = dec(doc.budgetManagement.statedDeviationPct);
  const d = deviationOf(doc);
  if (!stated || !d) return [];
  const computed = d.times(100);
  const tol = Decimal.max(threshold(0.01), halfUnitOf(doc.budgetManagement.statedDeviationPct!));
  if (stated.minus(computed).abs().lte(tol)) return [];
  return [
    flag("DEVIATION_STATED", "budgetManagement.statedDeviationPct",
      `填报偏离度${doc.budgetManagement.statedDeviationPct}%，按（决算数${doc.expenditure.total}万元−年初预算${doc.income.initialBudget}万元）/年初预算计算为${showPct(d)}%`,
      { stated: doc.budgetManagement.statedDeviationPct!, computed: show(computed, 4), threshold: show(tol) }),
  ];
};

export const deviationOverCheck: Check = (doc, ctx) => {
  if (!deviationOver(doc, ctx)) return [];
  const d = deviationOf(doc)!;
  return [
    flag("DEVIATION_OVER", "budgetManagement.statedDeviationPct",
      `偏离度${showPct(d)}%（决算数${doc.expenditure.total}万元，年初预算${doc.income.initialBudget}万元），绝对值超过${ctx.settings.deviationPct}%`,
      { deviationPct: show(d.times(100), 4), final: doc.expenditure.total, initialBudget: doc.income.initialBudget, threshold: ctx.settings.deviationPct }),
  ];
};

/**
 * Adjustments listed: their sum must explain finalAmount − initialBudget (rounding tolerance).
 * None listed: flagged when DEVIATION_OVER holds.
 */
export const deviationUnexplained: Check = (doc, ctx) => {
  const { adjustments } = doc.budgetManagement;
  const path = "budgetManagement.adjustments";
  if (adjustments.length === 0) {
    if (!deviationOver(doc, ctx)) return [];
    const d = deviationOf(doc)!;
    return [
      flag("DEVIATION_UNEXPLAINED", path,
        `偏离度${showPct(d)}%超过${ctx.settings.deviationPct}%，但未列出预算调整事项`,
        { deviationPct: show(d.times(100), 4), adjustments: 0, threshold: ctx.settings.deviationPct }),
    ];
  }
  const amounts = adjustments.map((a) => a.amount);
  const nums = allDec([doc.expenditure.total, doc.income.initialBudget, ...amounts]);
  if (!nums) return [];
  const [final, initial] = nums;
  const change = final.minus(initial);
  const adjusted = sum(amounts);
  const tol = sumTolerance([doc.expenditure.total!, doc.income.initialBudget!, ...(amounts as string[])]);
  const diff = adjusted.minus(change).abs();
  if (diff.lte(tol)) return [];
  return [
    flag("DEVIATION_UNEXPLAINED", path,
      `调整事项合计${show(adjusted)}万元（${amounts.join("+")}）与决算数减年初预算${show(change)}万元不符（允许误差${show(tol)}）`,
      { adjustmentsTotal: show(adjusted), change: show(change), difference: show(diff), threshold: show(tol) }),
  ];
};

export const executionLowCheck: Check = (doc, ctx) => {
  if (!executionLow(doc, ctx)) return [];
  const r = executionRateOf(doc)!;
  return [
    flag("EXECUTION_LOW", "expenditure.total",
      `预算执行率${showPct(r)}%（决算数${doc.expenditure.total}万元/调整预算${doc.income.adjustedBudget}万元）低于${ctx.settings.executionPct}%`,
      { executionPct: show(r.times(100), 4), final: doc.expenditure.total, adjustedBudget: doc.income.adjustedBudget, threshold: ctx.settings.executionPct }),
  ];
};

/**
 * recurring.amount + oneOff.amount > adjustedBudget (beyond rounding). An absent group counts
 * as nothing: what is present already exceeding the budget is worth a warning.
 */
export const projectsOverTotal: Check = (doc) => {
  const { recurring, oneOff } = doc.projects;
  const budget = dec(doc.income.adjustedBudget);
  const present = [recurring.amount, oneOff.amount].filter((a): a is string => dec(a) !== null);
  if (!budget || present.length === 0) return [];
  const total = sum(present);
  const tol = sumTolerance([...present, doc.income.adjustedBudget!]);
  if (total.minus(budget).lte(tol)) return [];
  const parts = [
    dec(recurring.amount) ? `常年项目${recurring.amount}万元` : null,
    dec(oneOff.amount) ? `一次性项目${oneOff.amount}万元` : null,
  ].filter(Boolean);
  return [
    flag("PROJECTS_OVER_TOTAL", dec(recurring.amount) ? "projects.recurring.amount" : "projects.oneOff.amount",
      `${parts.join("加")}${parts.length > 1 ? `共${show(total)}万元` : ""}，超过调整预算${doc.income.adjustedBudget}万元`,
      { recurring: recurring.amount, oneOff: oneOff.amount, projectsTotal: show(total), adjustedBudget: doc.income.adjustedBudget!, threshold: show(tol) }),
  ];
};

const GROUPS = { recurring: "常年项目", oneOff: "一次性项目" } as const;

/** overBalanceCount > 0, per group. */
export const overBalanceProjects: Check = (doc) =>
  (Object.keys(GROUPS) as (keyof typeof GROUPS)[]).flatMap((g) => {
    const n = doc.projects[g].overBalanceCount;
    if (n == null || n <= 0) return [];
    return [
      flag("OVER_BALANCE_PROJECTS", `projects.${g}.overBalanceCount`,
        `${GROUPS[g]}中有${n}个项目结余率超标`, { overBalanceCount: n, threshold: 0 }),
    ];
  });
