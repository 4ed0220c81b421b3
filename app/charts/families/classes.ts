/** Expenditure by function class (类). */
import {
  axisLabel, axisName, baseOption, categoryLabel, COLORS, emptyOption, FONT_SIZE, formatNumber, grid, isNum, rowTooltip, share, splitLine, tipHead, tipRow,
  type ChartOption,
} from "../base";

export interface ExpenditureClassRow {
  /** 类, the first 3 digits of the function code (201). */
  classCode: string;
  className: string;
  amountWan: number;
}

/**
 * Expenditure by function class (类). A sorted horizontal bar rather than a pie: a county has
 * up to ~27 classes, most of them thin slices that a pie on a projector turns into unlabelled
 * slivers; bar lengths compare more accurately than angles, and long Chinese class names fit
 * on a category axis. Each item carries `classCode`.
 */
export function expenditureByClass(rows: readonly ExpenditureClassRow[]): ChartOption {
  const byClass = new Map<string, { classCode: string; className: string; amountWan: number }>();
  for (const row of rows) {
    if (!isNum(row.amountWan) || row.amountWan <= 0) continue;
    const entry = byClass.get(row.classCode) ?? { classCode: row.classCode, className: row.className || row.classCode, amountWan: 0 };
    entry.amountWan += row.amountWan;
    byClass.set(row.classCode, entry);
  }
  const list = [...byClass.values()].sort((a, b) => b.amountWan - a.amountWan || a.classCode.localeCompare(b.classCode));
  if (!list.length) return emptyOption("暂无支出数据", "已提交报告的支出明细将按功能分类在此汇总");
  const total = list.reduce((sum, r) => sum + r.amountWan, 0);

  return {
    ...baseOption("支出按功能分类（类）", `合计 ${formatNumber(total, 2)} 万元，共 ${list.length} 类`),
    grid: grid(76, { right: 150 }),
    tooltip: rowTooltip("item", list, (entry) => tipHead(`${entry.classCode} ${entry.className}`) + tipRow("决算数", `${formatNumber(entry.amountWan, 2)} 万元`, COLORS.primary) + tipRow("占比", share(entry.amountWan, total))),
    xAxis: { type: "value", name: "万元", nameTextStyle: axisName, axisLabel, splitLine },
    yAxis: { type: "category", inverse: true, data: list.map((r) => r.className), axisLabel: categoryLabel, axisTick: { show: false } },
    series: [
      {
        type: "bar",
        name: "决算数",
        barMaxWidth: 24,
        itemStyle: { color: COLORS.primary },
        data: list.map((r) => ({ value: r.amountWan, classCode: r.classCode, className: r.className })),
        label: {
          show: true,
          position: "right",
          fontSize: FONT_SIZE,
          color: COLORS.text,
          formatter: (p: { value?: unknown }) => (isNum(p.value) ? `${formatNumber(p.value, 2)}（${share(p.value, total)}）` : ""),
        },
      },
    ],
  };
}
