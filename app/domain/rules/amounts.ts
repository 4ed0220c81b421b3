/** Amount rules: expenditure lines, income vs expenditure, the funds of the target table. */
import { dec, ratio, sum } from "../money";
import { flag } from "./catalog";
import type { Check } from "./context";
import { FUNCTION_CODE_PATTERN, functionClassOf } from "./functionClass";
import { allDec, show, showPct, sumTolerance } from "./util";

/** Σ lines.final = expenditure.total, within the summed half-units of all the numbers. */
export const expLinesSum: Check = (doc) => {
  const { total, lines } = doc.expenditure;
  const finals = lines.map((l) => l.final);
  if (lines.length === 0 || !dec(total) || !allDec(finals)) return [];
  const lhs = sum(finals);
  const rhs = dec(total)!;
  const tol = sumTolerance([...(finals as string[]), total!]);
  const diff = lhs.minus(rhs).abs();
  if (diff.lte(tol)) return [];
  return [
    flag("EXP_LINES_SUM", "expenditure.total",
      `支出明细合计${show(lhs)}万元与支出总额${total}万元不符（允许误差${show(tol)}）`,
      { linesTotal: show(lhs), total: total!, difference: show(diff), threshold: show(tol) }),
  ];
};

/** A stated completion % = final / budget · 100, within half a unit of the stated %'s last digit. */
export const expLineRate: Check = (doc) =>
  doc.expenditure.lines.flatMap((line, i) => {
    const stated = dec(line.statedRatePct), final = dec(line.final), budget = dec(line.budget);
    if (!stated || !final || !budget || budget.isZero()) return [];
    const tol = sumTolerance([line.statedRatePct!]);
    // |stated − 100·final/budget| ≤ tol, multiplied out by |budget| (division only for the message).
    if (stated.times(budget).minus(final.times(100)).abs().lte(tol.times(budget.abs()))) return [];
    const r = ratio(final, budget)!;
    return [
      flag("EXP_LINE_RATE", `expenditure.lines[${i}].statedRatePct`,
        `科目“${line.name || line.code}”填报完成率${line.statedRatePct}%，按决算数${line.final}万元/预算数${line.budget}万元计算为${showPct(r)}%`,
        { stated: line.statedRatePct!, computed: show(r.times(100), 4), final: line.final, budget: line.budget, threshold: show(tol) }),
    ];
  });

/** income.total − expenditure.total = carryover. */
export const incomeExpCarryover: Check = (doc) => {
  const income = doc.income.total, expenditure = doc.expenditure.total, carryover = doc.carryover;
  const nums = allDec([income, expenditure, carryover]);
  if (!nums) return [];
  const [i, e, c] = nums;
  const lhs = i.minus(e);
  const tol = sumTolerance([income!, expenditure!, carryover!]);
  const diff = lhs.minus(c).abs();
  if (diff.lte(tol)) return [];
  return [
    flag("INCOME_EXP_CARRYOVER", "carryover",
      `收入合计${income}万元减支出合计${expenditure}万元为${show(lhs)}万元，与结转结余${carryover}万元不符（允许误差${show(tol)}）`,
      { incomeTotal: income!, expenditureTotal: expenditure!, carryover: carryover!, difference: show(diff), threshold: show(tol) }),
  ];
};

/** targets.totalFunds = targets.fiscal + targets.other. */
export const fundsSplit: Check = (doc) => {
  const { totalFunds, fiscal, other } = doc.targets;
  const nums = allDec([totalFunds, fiscal, other]);
  if (!nums) return [];
  const [t, f, o] = nums;
  const rhs = f.plus(o);
  const tol = sumTolerance([totalFunds!, fiscal!, other!]);
  const diff = t.minus(rhs).abs();
  if (diff.lte(tol)) return [];
  return [
    flag("FUNDS_SPLIT", "targets.totalFunds",
      `年度资金总额${totalFunds}万元与财政拨款${fiscal}万元加其他资金${other}万元之和${show(rhs)}万元不符（允许误差${show(tol)}）`,
      { totalFunds: totalFunds!, fiscal: fiscal!, other: other!, difference: show(diff), threshold: show(tol) }),
  ];
};

/** targets.totalFunds = income.total: the table and the report talk about the same money. */
export const tableVsReport: Check = (doc) => {
  const table = doc.targets.totalFunds, report = doc.income.total;
  const nums = allDec([table, report]);
  if (!nums) return [];
  const tol = sumTolerance([table!, report!]);
  const diff = nums[0].minus(nums[1]).abs();
  if (diff.lte(tol)) return [];
  return [
    flag("TABLE_VS_REPORT", "targets.totalFunds",
      `自评表年度资金总额${table}万元与报告收入合计${report}万元不符（允许误差${show(tol)}）`,
      { totalFunds: table!, incomeTotal: report!, difference: show(diff), threshold: show(tol) }),
  ];
};

/** Each line's code: 7 digits and a known 类. */
export const functionCodeInvalid: Check = (doc) =>
  doc.expenditure.lines.flatMap((line, i) => {
    const code = line.code.trim();
    if (functionClassOf(code)) return [];
    const path = `expenditure.lines[${i}].code`;
    if (!FUNCTION_CODE_PATTERN.test(code)) {
      return [flag("FUNCTION_CODE_INVALID", path,
        code ? `科目“${line.name}”的编码“${code}”不是7位数字` : `科目“${line.name}”未填写功能分类编码`,
        { code, threshold: 7 })];
    }
    return [flag("FUNCTION_CODE_INVALID", path,
      `科目“${line.name}”的编码“${code}”中类级科目“${code.slice(0, 3)}”不存在`,
      { code, functionClass: code.slice(0, 3) })];
  });
