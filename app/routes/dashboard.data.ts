import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireViewerFor } from "~/auth/guard.server";
import { CHARTS, chartTable, type ChartId } from "~/charts/registry";
import { chartSvg } from "~/charts/svgCache.server";
import { attachment, csvAttachment } from "~/models/download.server";
import { dashboardPage } from "~/models/dashboard.server";
import { db } from "~/services.server";

/** The data behind one dashboard chart as .csv or .xlsx, or the chart itself as an SVG image. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewerFor(request, context, "dashboard.view");
  const search = new URL(request.url).searchParams;
  const chart = CHARTS.find((c) => c.id === search.get("chart"));
  const format = search.get("format");
  if (!chart || !["csv", "xlsx", "svg"].includes(format ?? "")) throw new Response("请求的图表或格式不存在", { status: 400 });
  const page = await dashboardPage(db(), viewer, search);
  const name = `${page.scopeName}-${page.year}-${chart.title}`;
  if (format === "svg") return attachment(chartSvg(chart.id as ChartId, page.data, { width: 1200, minHeight: 480 }), `${name}.svg`, "image/svg+xml");
  const rows = chartTable(chart.id as ChartId, page.data);
  if (format === "csv") return csvAttachment(rows, `${name}.csv`);
  // exceljs is loaded on the first Excel download, not with the server.
  const { Workbook } = (await import("exceljs")).default;
  const workbook = new Workbook();
  const sheet = workbook.addWorksheet(chart.title.slice(0, 31));
  for (const row of rows) sheet.addRow(row.map((cell, i) => (i > 0 && /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell)));
  sheet.getRow(1).font = { bold: true };
  const buffer = await workbook.xlsx.writeBuffer();
  return attachment(new Uint8Array(buffer as ArrayBuffer), `${name}.xlsx`, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}
