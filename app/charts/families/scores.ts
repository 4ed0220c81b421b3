/** Self scores: reports per grade band, and self score against the standard formula. */
import { SCORE_GRADE_BANDS, SCORE_GRADES, type ScoreGrade } from "~/domain/vocabulary";
import {
  axisLabel, axisName, baseOption, COLORS, columnAxis, emptyOption, FONT_SIZE, formatNumber, grid, isNum, markerLabel, rowTooltip, share, splitLine, tipHead,
  tipRow, topLegend, type ChartOption,
} from "../base";

export const GRADE_COLORS: Record<ScoreGrade, string> = { 优: "#2b8a3e", 良: "#1f5fa8", 中: "#e67700", 差: "#c92a2a" };

export interface GradeCountRow {
  grade: ScoreGrade;
  count: number;
}

/** Reports per total-score band (优 ≥90, 良 80–90, 中 60–80, 差 <60), always in that order, in the band colours. */
export function scoreDistribution(rows: readonly GradeCountRow[]): ChartOption {
  const counts: Record<ScoreGrade, number> = { 优: 0, 良: 0, 中: 0, 差: 0 };
  for (const row of rows) if (SCORE_GRADES.includes(row.grade) && isNum(row.count) && row.count > 0) counts[row.grade] += row.count;
  const total = SCORE_GRADES.reduce((sum, g) => sum + counts[g], 0);
  if (!total) return emptyOption("暂无自评得分", "单位提交报告后将在此显示自评得分分布");

  return {
    ...baseOption("自评得分等级分布", `共 ${total} 份报告`),
    grid: grid(76),
    tooltip: rowTooltip("item", SCORE_GRADES, (grade) => tipHead(`${grade}（${SCORE_GRADE_BANDS[grade]} 分）`) + tipRow("报告数", `${counts[grade]} 份（${share(counts[grade], total)}）`, GRADE_COLORS[grade])),
    xAxis: columnAxis(SCORE_GRADES.map((g) => `${g}（${SCORE_GRADE_BANDS[g]}）`)),
    yAxis: { type: "value", name: "报告数（份）", nameTextStyle: axisName, minInterval: 1, axisLabel, splitLine },
    series: [
      {
        type: "bar",
        name: "报告数",
        barMaxWidth: 72,
        data: SCORE_GRADES.map((g) => ({ value: counts[g], grade: g, itemStyle: { color: GRADE_COLORS[g] } })),
        label: {
          show: true,
          position: "top",
          fontSize: FONT_SIZE,
          color: COLORS.text,
          formatter: (p: { value?: unknown }) => (isNum(p.value) ? `${p.value}（${share(p.value, total)}）` : ""),
        },
      },
    ],
  };
}

export interface ScoreVsFormulaRow {
  unitId: string;
  unitName: string;
  selfScore: number | null;
  /** What the standard scoring formula gives for the same indicators. */
  formulaScore: number | null;
}

/**
 * Self score (y) against the standard formula's score (x), with the y = x diagonal: a point
 * above it by more than `tolerance` points is a unit scoring itself higher than its own numbers
 * support, drawn as its own warning-coloured series.
 */
export function scoreVsFormula(rows: readonly ScoreVsFormulaRow[], tolerance = 0.5): ChartOption {
  if (!rows.length) return emptyOption("暂无已提交的报告", "单位提交报告后将在此对比自评得分与公式得分");
  const plotted = rows.filter((r): r is ScoreVsFormulaRow & { selfScore: number; formulaScore: number } => isNum(r.selfScore) && isNum(r.formulaScore));
  const missing = rows.length - plotted.length;
  if (!plotted.length) return emptyOption("暂无可比较的自评得分", `${missing} 个单位缺少自评得分或无法按公式计算`);

  const inflated = (r: (typeof plotted)[number]) => r.selfScore - r.formulaScore > tolerance;
  const groups = [plotted.filter((r) => !inflated(r)), plotted.filter(inflated)];
  const all = plotted.flatMap((r) => [r.selfScore, r.formulaScore]);
  const lo = Math.max(0, Math.min(60, Math.floor(Math.min(...all) / 10) * 10));
  const hi = Math.max(100, Math.ceil(Math.max(...all) / 10) * 10);
  const subtitle = [`共 ${plotted.length} 个单位`, `自评高于公式得分：${groups[1].length} 个`];
  if (missing) subtitle.push(`另有 ${missing} 个单位无法比较`);
  const axis = (name: string) => ({
    type: "value" as const,
    name,
    nameLocation: "middle" as const,
    nameGap: 36,
    nameTextStyle: axisName,
    min: lo,
    max: hi,
    axisLabel,
    splitLine,
  });
  const item = (r: (typeof plotted)[number]) => ({ value: [r.formulaScore, r.selfScore], name: r.unitName, unitId: r.unitId, unitName: r.unitName });

  return {
    ...baseOption("自评得分与标准公式得分", subtitle.join("；")),
    grid: grid(96),
    legend: topLegend(),
    tooltip: rowTooltip("item", (series) => groups[series], (row) => {
      const diff = row.selfScore - row.formulaScore;
      return (
        tipHead(row.unitName) +
        tipRow("自评得分", formatNumber(row.selfScore, 2), inflated(row) ? COLORS.warning : COLORS.primary) +
        tipRow("公式得分", formatNumber(row.formulaScore, 2)) +
        tipRow("差值", `${diff > 0 ? "+" : ""}${formatNumber(diff, 2)} 分`)
      );
    }),
    xAxis: axis("标准公式得分（分）"),
    yAxis: { ...axis("自评得分（分）"), nameLocation: "end", nameGap: 12 },
    series: [
      {
        type: "scatter",
        name: "自评不高于公式得分",
        symbolSize: 12,
        itemStyle: { color: COLORS.primary, opacity: 0.85 },
        data: groups[0].map(item),
        markLine: {
          silent: true,
          symbol: "none",
          lineStyle: { type: "dashed", width: 2, color: COLORS.reference },
          label: { ...markerLabel(COLORS.reference), position: "insideEndTop", formatter: "自评 = 公式" },
          data: [[{ coord: [lo, lo] }, { coord: [hi, hi] }]],
        },
      },
      {
        type: "scatter",
        name: "自评高于公式得分",
        symbolSize: 14,
        itemStyle: { color: COLORS.warning },
        data: groups[1].map(item),
      },
    ],
  };
}
