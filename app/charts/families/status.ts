/** Units by report status. */
import { PROGRESS_LABELS, type UnitProgress } from "~/domain/vocabulary";
import { baseOption, COLORS, emptyOption, FONT_FAMILY, FONT_SIZE, isNum, PALETTE, rowTooltip, share, tipRow, type ChartOption } from "../base";

export interface StatusCountRow {
  /** What to show: "已提交", "未填报"… */
  status: string;
  count: number;
  /** A stable key for drill-down and colour (draft/submitted/returned/approved/not_started); defaults to `status`. */
  key?: string;
}

const PROGRESS_COLORS: Record<UnitProgress, string> = {
  not_started: "#adb5bd",
  draft: "#7048e8",
  submitted: "#1f5fa8",
  returned: "#d9480f",
  approved: "#2b8a3e",
};

/** Each status by its key and by its label, for rows that come without a key. */
const PROGRESS_BY_NAME = new Map<string, UnitProgress>(
  (Object.entries(PROGRESS_LABELS) as Array<[UnitProgress, string]>).flatMap(([key, label]) => [[key, key], [label, key]]),
);

function statusColor(row: StatusCountRow): string | undefined {
  const progress = PROGRESS_BY_NAME.get(row.key ?? row.status) ?? PROGRESS_BY_NAME.get(row.status);
  return progress && PROGRESS_COLORS[progress];
}

/** Units by report status as a donut: a handful of categories that add up to the whole county. */
export function statusPie(rows: readonly StatusCountRow[]): ChartOption {
  const list = rows.filter((r) => isNum(r.count) && r.count > 0);
  const total = list.reduce((sum, r) => sum + r.count, 0);
  if (!total) return emptyOption("暂无填报数据", "本年度尚无单位开始填报");

  return {
    ...baseOption("填报状态", `共 ${total} 个单位`),
    tooltip: rowTooltip("item", list, (row) => tipRow(row.status, `${row.count} 个（${share(row.count, total)}）`, statusColor(row) ?? COLORS.muted)),
    legend: { bottom: 8, textStyle: { fontSize: FONT_SIZE, fontFamily: FONT_FAMILY, color: COLORS.text } },
    series: [
      {
        type: "pie",
        name: "填报状态",
        radius: ["38%", "62%"],
        center: ["50%", "52%"],
        avoidLabelOverlap: true,
        data: list.map((r, i) => ({
          name: r.status,
          value: r.count,
          status: r.key ?? r.status,
          itemStyle: { color: statusColor(r) ?? PALETTE[i % PALETTE.length], borderColor: "#fff", borderWidth: 2 },
        })),
        label: {
          fontSize: FONT_SIZE,
          color: COLORS.text,
          formatter: (p: { dataIndex?: unknown }) => {
            const row = typeof p.dataIndex === "number" ? list[p.dataIndex] : undefined;
            return row ? `${row.status}\n${row.count} 个（${share(row.count, total)}）` : "";
          },
        },
        labelLine: { length: 12, length2: 12 },
      },
    ],
  };
}
