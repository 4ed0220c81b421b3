/** Submission progress over time, against the deadline. */
import type { LineSeriesOption } from "echarts/charts";
import {
  axisLabel, axisName, baseOption, COLORS, emptyOption, grid, isNum, markerLabel, rowTooltip, share, splitLine, tipHead, tipRow, type ChartOption,
} from "../base";

export interface SubmissionDayRow {
  /** 'YYYY-MM-DD' (Asia/Shanghai calendar day). */
  date: string;
  /** Units whose report was first submitted on that day (not cumulative). */
  submitted: number;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** About 10 % above `value`, on a multiple of 5 (small counts: one more). */
function headroom(value: number): number {
  return value < 10 ? value + 1 : Math.ceil((value * 1.1) / 5) * 5;
}

/**
 * Cumulative submissions over time on a time axis (gaps between days keep their real width),
 * a step line because the count only changes when a report arrives. markLines: the deadline
 * (x) and the number of units that must report (y).
 */
export function submissionProgress(rows: readonly SubmissionDayRow[], deadline: string | null, totalUnits: number): ChartOption {
  const validDeadline = deadline && ISO_DATE.test(deadline) ? deadline : null;
  const total = isNum(totalUnits) && totalUnits > 0 ? Math.floor(totalUnits) : 0;
  const perDay = new Map<string, number>();
  for (const row of rows) {
    if (!ISO_DATE.test(row.date) || !isNum(row.submitted) || row.submitted <= 0) continue;
    perDay.set(row.date, (perDay.get(row.date) ?? 0) + row.submitted);
  }
  const days = [...perDay.keys()].sort();
  const context = [validDeadline ? `截止日期 ${validDeadline}` : null, total ? `应报 ${total} 个单位` : null].filter(Boolean).join("；");
  if (!days.length) return emptyOption("暂无已提交的报告", context || undefined);

  let running = 0;
  const points = days.map((date) => {
    const count = perDay.get(date)!;
    running += count;
    return { date, count, cumulative: running };
  });
  const first = validDeadline && validDeadline < days[0] ? validDeadline : days[0];
  const last = validDeadline && validDeadline > days[days.length - 1] ? validDeadline : days[days.length - 1];
  const subtitle = [`已提交 ${running}${total ? ` / ${total}` : ""} 个单位${total ? `（${share(running, total)}）` : ""}`];
  if (validDeadline) subtitle.push(`截止日期 ${validDeadline}`);

  const markData: NonNullable<LineSeriesOption["markLine"]>["data"] = [];
  if (validDeadline) {
    markData.push({ xAxis: validDeadline, lineStyle: { color: COLORS.warning }, label: { ...markerLabel(COLORS.warning), position: "end", formatter: `截止 ${validDeadline.slice(5)}` } });
  }
  if (total) {
    markData.push({ yAxis: total, lineStyle: { color: COLORS.ok }, label: { ...markerLabel(COLORS.ok), position: "insideStartTop", formatter: `应报 ${total} 个单位` } });
  }

  return {
    ...baseOption("报告提交进度", subtitle.join("；")),
    grid: grid(76, { right: 56 }),
    tooltip: rowTooltip("axis", points, (point) => (
      tipHead(point.date) +
      tipRow("当日提交", `${point.count} 个`) +
      tipRow("累计提交", `${point.cumulative} 个${total ? `（${share(point.cumulative, total)}）` : ""}`, COLORS.primary)
    )),
    xAxis: {
      type: "time",
      ...(first !== last ? { min: first, max: last } : {}),
      axisLabel: { ...axisLabel, formatter: "{MM}-{dd}", hideOverlap: true },
      splitLine: { show: false },
    },
    yAxis: {
      type: "value",
      name: "累计提交（个）",
      nameTextStyle: axisName,
      min: 0,
      // Headroom above the "应报" line so its label clears the axis name.
      max: headroom(Math.max(total, running)),
      minInterval: 1,
      axisLabel,
      splitLine,
    },
    series: [
      {
        type: "line",
        name: "累计提交",
        step: "end",
        symbol: "circle",
        symbolSize: 8,
        lineStyle: { width: 3, color: COLORS.primary },
        itemStyle: { color: COLORS.primary },
        areaStyle: { color: "rgba(31, 95, 168, 0.12)" },
        data: points.map((p) => ({ value: [p.date, p.cumulative], date: p.date, submitted: p.count })),
        markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed", width: 2 }, data: markData },
      },
    ],
  };
}
