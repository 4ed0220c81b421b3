/** MISSING_REQUIRED: one flag per required field that is empty. */
import { dec } from "../money";
import type { Flag } from "../report";
import { fieldLabel } from "../vocabulary";
import { flag } from "./catalog";
import type { Check } from "./context";

export const missingRequired: Check = (doc) => {
  const out: Flag[] = [];
  const missing = (path: string, condition = "") =>
    out.push(flag("MISSING_REQUIRED", path, `${fieldLabel(path)}${condition}未填写`, { field: path }));

  if (!doc.unit.name.trim()) missing("unit.name");
  if (doc.year == null) missing("year");
  if (!dec(doc.income.initialBudget)) missing("income.initialBudget");
  if (!dec(doc.income.adjustedBudget)) missing("income.adjustedBudget");
  if (!dec(doc.income.total)) missing("income.total");
  if (!dec(doc.expenditure.total)) missing("expenditure.total");
  if (doc.expenditure.lines.length === 0) missing("expenditure.lines", "（至少一行）");
  if (!dec(doc.selfScore)) missing("selfScore");
  if (!doc.targets.indicators.some((i) => dec(i.weightPct) && dec(i.score))) {
    missing("targets.indicators", "（至少一个有权重和得分的指标）");
  }
  return out;
};
