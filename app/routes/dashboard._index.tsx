import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import { useContext, useMemo } from "react";
import { requireViewerFor } from "~/auth/guard.server";
import { chartHeight, chartOption, CHARTS, type ChartId } from "~/charts/registry";
import { EChart, type ChartItemClick } from "~/charts/EChart";
import { ChartSvgContext } from "~/charts/serverSvg";
import { formatAmount } from "~/domain/money";
import { FUNCTION_CLASSES } from "~/domain/rules";
import { UNIT_KINDS } from "~/domain/units";
import { dashboardPage } from "~/models/dashboard.server";
import { db } from "~/services.server";

export const meta: MetaFunction = () => [{ title: "全县概览 · 绩效自评审核平台" }];

/** The charts' server SVGs are not loader data: the server render draws them into the HTML (ChartSvgContext). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewerFor(request, context, "dashboard.view");
  const { year, years, byCounty, params, counties, scopeName, headline, data, links } = await dashboardPage(db(), viewer, new URL(request.url).searchParams);
  return { year, years, byCounty, params, counties, scopeName, headline, data, links };
}

function pct(fraction: number | null) {
  return fraction == null ? "—" : `${(fraction * 100).toFixed(2)}%`;
}

export default function Dashboard() {
  const { year, years, byCounty, params, counties, scopeName, headline, data, links } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  // The server draws each chart from the SVG cache; only the browser needs the options.
  const svgOf = useContext(ChartSvgContext);
  const options = useMemo(() => (svgOf ? null : Object.fromEntries(CHARTS.map(({ id }) => [id, chartOption(id, data)]))), [svgOf, data]);
  const query = search.toString();
  const drill = (id: ChartId) => (click: ChartItemClick) => {
    const item = (click.data ?? {}) as Record<string, unknown>;
    const unitId = typeof item.unitId === "string" ? item.unitId : null;
    if (unitId && links[unitId]) return navigate(links[unitId]);
    const list = new URLSearchParams({ year: String(year) });
    if (params.county) list.set("county", params.county);
    if (id === "grades" && typeof item.grade === "string") list.set("grade", item.grade);
    else if (id === "grades") list.set("grade", click.name);
    else if (id === "flags" && typeof item.rule === "string") list.set("rule", item.rule);
    else if (id === "classes" && typeof item.classCode === "string") list.set("functionClass", item.classCode);
    else if (id === "status" && typeof item.key === "string") list.set("status", item.key);
    else return;
    navigate(`/dashboard/units?${list.toString()}`);
  };
  return (
    <>
      <div className="report-header">
        <h1>全县概览 · {scopeName} {year}年度</h1>
        {byCounty ? <p className="muted">以县区为单位比较；点击县区查看该县详情。</p> : null}
      </div>
      <Form method="get" className="card filters" aria-label="筛选（作用于全部图表）">
        <label>年度 <select name="year" defaultValue={year}>{years.map((y) => <option key={y} value={y}>{y}</option>)}</select></label>{" "}
        {counties.length > 1 ? (
          <label>县区 <select name="county" defaultValue={params.county ?? ""}><option value="">全部（按县区比较）</option>{counties.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}</select></label>
        ) : null}{" "}
        <label>单位类型 <select name="unitKind" defaultValue={params.unitKind ?? ""}><option value="">全部</option>{Object.entries(UNIT_KINDS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}</select></label>{" "}
        <label>主要支出类别 <select name="functionClass" defaultValue={params.functionClass ?? ""}><option value="">全部</option>{Object.entries(FUNCTION_CLASSES).map(([k, v]) => <option key={k} value={k}>{k} {v}</option>)}</select></label>{" "}
        <label>状态 <select name="status" defaultValue={params.status ?? ""}><option value="">已提交和已通过</option><option value="submitted">仅已提交</option><option value="approved">仅已通过</option></select></label>{" "}
        <button type="submit">应用筛选</button>
      </Form>
      <section className="headline" aria-label="主要指标">
        <Figure label="预算单位" value={String(headline.units)} />
        <Figure label="已提交 / 已通过 / 已退回 / 未提交" value={`${headline.submitted} / ${headline.approved} / ${headline.returned} / ${headline.notYet}`} />
        <Figure label="调整预算合计（万元）" value={formatAmount(String(headline.budgetWan.toFixed(6)))} />
        <Figure label="支出决算合计（万元）" value={formatAmount(String(headline.expenditureWan.toFixed(6)))} />
        <Figure label="预算执行率" value={pct(headline.executionRate)} />
        <Figure label={`偏离度超过${data.deviationPct}%的单位`} value={String(headline.deviatingUnits)} />
        <Figure label="平均自评得分" value={headline.averageScore == null ? "—" : headline.averageScore.toFixed(1)} />
        <Figure label="未解决问题（错误+提示）" value={String(headline.openFlags)} />
      </section>
      <div className="chart-grid">
        {CHARTS.map(({ id, title }) => (
          <section className="card chart-card" key={id} data-chart={id}>
            <header>
              <h2>{title}</h2>
              <span className="chart-downloads">
                <a href={`/dashboard/data?${query}&chart=${id}&format=csv`}>数据 CSV</a>{" "}
                <a href={`/dashboard/data?${query}&chart=${id}&format=xlsx`}>Excel</a>{" "}
                <a href={`/dashboard/data?${query}&chart=${id}&format=svg`}>图片</a>
              </span>
            </header>
            <EChart option={options?.[id]} height={chartHeight(id, data)} svg={svgOf?.(id, data)} ariaLabel={title} onItemClick={drill(id)} />
          </section>
        ))}
      </div>
      <p><Link to={`/dashboard/units?year=${year}${params.county ? `&county=${params.county}` : ""}`}>查看全部单位明细表 →</Link></p>
    </>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div className="figure card">
      <div className="figure-value">{value}</div>
      <div className="figure-label">{label}</div>
    </div>
  );
}

export { GeneralErrorBoundary as ErrorBoundary } from "~/components/ErrorBoundary";
