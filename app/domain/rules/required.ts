/** MISSING_REQUIRED: one flag per required field that is empty. */
import { dec } from "../money";
import type { Flag } from "../report";
import { flag } from "./catalog";
import type { Check } from "./context";

export const missingRequired: Check = (doc) => {
  const out: Flag[] = [];
  const missing = (path: string, what: string) =>
    out.push(flag("MISSING_REQUIRED", path, `${what}未填写`, { field: path }));

  if (!doc.unit.name.trim()) missing("unit.name", "单位名称");
  if (doc.year == null) missing("year", "年度");
  if (!dec(doc.income.initialBudget)) missing("income.initialBudget", "年初预算");
  if (!dec(doc.income.adjustedBudget)) missing("income.adjustedBudget", "调整预算");
  if (!dec(doc.income.total)) missing("income.total", "收入合计");
  if (!dec(doc.expenditure.total)) missing("expenditure.total", "支出合计");
  if (doc.expenditure.lines.length === 0) missing("expenditure.lines", "支出明细（至少一行）");
  if (!dec(doc.selfScore)) missing("selfScore", "自评得分");
  if (!doc.targets.indicators.some((i) => dec(i.weightPct) && dec(i.score))) {
    missing("targets.indicators", "绩效指标（至少一个有权重和得分的指标）");
  }
  return out;
};
