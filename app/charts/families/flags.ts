/** Flags per rule, stacked by severity. */
import { SEVERITIES, SEVERITY_DESCRIPTIONS, SEVERITY_LABELS, type Severity } from "~/domain/vocabulary";
import {
  axisLabel, axisName, baseOption, categoryLabel, emptyOption, FONT_SIZE, grid, isNum, rowTooltip, splitLine, tipHead, tipNote, tipRow, topLegend,
  type ChartOption,
} from "../base";

export const SEVERITY_COLORS: Record<Severity, string> = { error: "#c92a2a", warning: "#e67700", info: "#1f5fa8" };

export interface FlagCountRow {
  rule: string;
  title: string;
  severity: Severity;
  count: number;
}

/**
 * Flags per rule as horizontal bars stacked by severity (a county may configure one rule's
 * severity differently over the years, hence the stack), the most frequent rule on top. Each
 * item carries `rule` and `severity` for drill-down.
 */
export function flagsByRule(rows: readonly FlagCountRow[]): ChartOption {
  const byRule = new Map<string, { rule: string; title: string; counts: Record<Severity, number>; total: number }>();
  for (const row of rows) {
    if (!SEVERITIES.includes(row.severity) || !isNum(row.count) || row.count <= 0) continue;
    const entry = byRule.get(row.rule) ?? { rule: row.rule, title: row.title || row.rule, counts: { error: 0, warning: 0, info: 0 }, total: 0 };
    entry.counts[row.severity] += row.count;
    entry.total += row.count;
    byRule.set(row.rule, entry);
  }
  const list = [...byRule.values()].sort((a, b) => b.total - a.total || a.rule.localeCompare(b.rule));
  if (!list.length) return emptyOption("暂无审核问题", "尚无已提交的报告，或报告均未触发规则");

  // Two rules may share a title (county-edited titles): keep the categories distinct.
  const seen = new Set<string>();
  const categories = list.map((r) => {
    const label = seen.has(r.title) ? `${r.title}（${r.rule}）` : r.title;
    seen.add(label);
    return label;
  });
  const total = list.reduce((sum, r) => sum + r.total, 0);

  return {
    ...baseOption("审核问题（按规则与严重程度）", `共 ${total} 条，涉及 ${list.length} 条规则`),
    grid: grid(96),
    legend: topLegend(),
    tooltip: rowTooltip("axis", () => list, (entry) => (
      tipHead(entry.title) +
      tipNote(entry.rule) +
      SEVERITIES.filter((s) => entry.counts[s] > 0)
        .map((s) => tipRow(SEVERITY_DESCRIPTIONS[s], `${entry.counts[s]} 条`, SEVERITY_COLORS[s]))
        .join("") +
      tipRow("合计", `${entry.total} 条`)
    )),
    xAxis: { type: "value", name: "问题数（条）", nameLocation: "middle", nameGap: 32, nameTextStyle: axisName, minInterval: 1, axisLabel, splitLine },
    yAxis: { type: "category", inverse: true, data: categories, axisLabel: categoryLabel, axisTick: { show: false } },
    series: SEVERITIES.map((severity) => ({
      type: "bar" as const,
      // The legend stays short; the tooltip says what each severity means.
      name: SEVERITY_LABELS[severity],
      stack: "flags",
      barMaxWidth: 24,
      itemStyle: { color: SEVERITY_COLORS[severity] },
      data: list.map((r) => ({ value: r.counts[severity], rule: r.rule, severity })),
      label: {
        show: true,
        position: "inside" as const,
        fontSize: FONT_SIZE,
        color: "#fff",
        formatter: (p: { value?: unknown }) => (isNum(p.value) && p.value > 0 ? String(p.value) : ""),
      },
    })),
  };
}
