/** The benchmark's Markdown: machine, generation rates, every target met or missed, the details. */
import type { CheckReportResult } from "./checkreport";
import type { GenerationSummary } from "./datasets";
import type { MachineInfo } from "./machine";
import type { Summary } from "./stats";

type Timed = Summary & { what: string; status?: Record<string, number> };

export interface ThroughputResult {
  what: string;
  path: string;
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  bytesPerResponse: number;
  serverCpuMsPerRequest: number;
  databaseCpuMsPerRequest: number;
  cpu: { serverSeconds: number; databaseSeconds: number; clientSeconds: number; otherSeconds: number; loadAverageBefore: number };
}

export interface RunResult {
  dialect: "sqlite" | "mysql";
  size: number;
  counties: number;
  reused: boolean;
  generation: GenerationSummary;
  http: Record<string, Timed>;
  throughput: { queue: ThroughputResult; dashboard: ThroughputResult };
  inproc: Record<string, Timed>;
  queueTenthPage: number;
  memory: { peakRssMiB: number; maxSampledRssMiB: number; endRssMiB: number };
}

interface Check {
  ok: boolean | null;
  text: string;
}

const ms = (x: number | undefined) => (x == null || Number.isNaN(x) ? "—" : `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`);
const mark = (ok: boolean | null) => (ok == null ? "" : ok ? "✅ " : "❌ ");
const label = (r: RunResult) => `${r.dialect === "sqlite" ? "SQLite" : "MySQL"} ${r.size >= 1000 ? `${r.size / 1000}k` : r.size}`;

export function evaluate(runs: RunResult[], checkReport: CheckReportResult) {
  const rows: Array<{ target: string; cells: Check[] }> = [];
  const add = (target: string, f: (r: RunResult) => Check) => rows.push({ target, cells: runs.map(f) });
  add("县级概览加载器 服务器时间 p95 ≤ 20 ms", (r) => {
    const s = r.inproc.dashboardCountyLoader;
    return { ok: s.p95 <= 20, text: `${ms(s.p95)}（p50 ${ms(s.p50)}）` };
  });
  add("县级概览 最大规模 ≤ 1.5× 最小规模（p95）", (r) => {
    const same = runs.filter((o) => o.dialect === r.dialect);
    const smallest = same.reduce((a, b) => (b.size < a.size ? b : a));
    if (smallest === r) return { ok: null, text: "基准" };
    const ratio = r.inproc.dashboardCountyLoader.p95 / smallest.inproc.dashboardCountyLoader.p95;
    const ratio50 = r.inproc.dashboardCountyLoader.p50 / smallest.inproc.dashboardCountyLoader.p50;
    return { ok: ratio <= 1.5, text: `${ratio.toFixed(2)}×（p50 ${ratio50.toFixed(2)}×）` };
  });
  add("市级概览加载器（全部县区）p95 ≤ 50 ms", (r) => {
    const s = r.inproc.dashboardCityLoader;
    return { ok: s.p95 <= 50, text: `${ms(s.p95)}（${r.counties} 县，p50 ${ms(s.p50)}）` };
  });
  add("审核队列任一页 加载器 p95 ≤ 20 ms", (r) => {
    const pages = [r.inproc.queueCountyFirstLoader, r.inproc.queueCityFirstLoader, r.inproc.queueCityTenthLoader];
    const worst = Math.max(...pages.map((p) => p.p95));
    return { ok: worst <= 20, text: `县第1页 ${ms(pages[0].p95)} · 市第1页 ${ms(pages[1].p95)} · 市第${r.queueTenthPage}页 ${ms(pages[2].p95)}` };
  });
  add("保存并检查一份报告 p95 ≤ 30 ms（SQLite）/ 50 ms（MySQL）", (r) => {
    const s = r.inproc.saveAction;
    const limit = r.dialect === "sqlite" ? 30 : 50;
    return { ok: s.p95 <= limit, text: `${ms(s.p95)}（HTTP ${ms(r.http.save?.p95)}）` };
  });
  add("审核队列页 吞吐 ≥ 300 请求/秒，0 错误，p99 ≤ 250 ms", (r) => {
    const t = r.throughput.queue;
    const errors = t.errors + t.timeouts + t.non2xx;
    return { ok: t.requestsPerSecond >= 300 && errors === 0 && t.p99 <= 250, text: `${t.requestsPerSecond}/s，错误 ${errors}，p99 ${ms(t.p99)}` };
  });
  add("概览页（服务端渲染图表）吞吐 ≥ 150 请求/秒", (r) => {
    const t = r.throughput.dashboard;
    const errors = t.errors + t.timeouts + t.non2xx;
    return { ok: t.requestsPerSecond >= 150 && errors === 0, text: `${t.requestsPerSecond}/s，错误 ${errors}，p99 ${ms(t.p99)}` };
  });
  add("服务器进程 RSS 峰值 ≤ 300 MB", (r) => ({ ok: r.memory.peakRssMiB <= 300, text: `${r.memory.peakRssMiB} MiB` }));
  const cr = { ok: checkReport.reportsPerSecond >= 200, text: `${checkReport.reportsPerSecond} 份/秒（含进程启动；扣除启动 ${checkReport.marginalReportsPerSecond} 份/秒）` };
  return { rows, checkReport: cr };
}

export function renderReport(input: { machine: MachineInfo; runs: RunResult[]; checkReport: CheckReportResult; totalSeconds: number; options: { duration: number; connections: number; seed: number; serverNodeOptions: string } }): string {
  const { machine, runs, checkReport, totalSeconds, options } = input;
  const lines: string[] = [];
  const table = (header: string[], body: string[][]) => {
    lines.push(`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...body.map((r) => `| ${r.join(" | ")} |`), "");
  };
  lines.push("", "## 性能基准（npm run bench）", "");
  lines.push(`机器：${machine.cpuModel}，${machine.cores} 核，${machine.memoryGiB} GiB 内存，${machine.os}；Node ${machine.node}；${machine.sqlite}${machine.mariadb ? `；${machine.mariadb}` : ""}。开始时负载 ${machine.loadAverageAtStart.join(" / ")}。` +
    `一个 Node 进程（生产构建，NODE_ENV=production），压测端（autocannon，${options.connections} 个连接，每项 ${options.duration} 秒）与服务器在同一台机器上走回环地址。${options.serverNodeOptions ? `服务器进程的 Node 参数：${options.serverNodeOptions}。` : ""}种子 ${options.seed}，总用时 ${(totalSeconds / 60).toFixed(1)} 分钟。`, "");

  lines.push("### 目标", "");
  const ev = evaluate(runs, checkReport);
  table(["目标", ...runs.map(label)], ev.rows.map((r) => [r.target, ...r.cells.map((c) => `${mark(c.ok)}${c.text}`)]));
  lines.push(`check-report（文本报告）≥ 200 份/秒：${mark(ev.checkReport.ok)}${ev.checkReport.text}`, "");
  const missed = ev.rows.flatMap((r) => r.cells.map((c, i) => (c.ok === false ? `${r.target}（${label(runs[i])}：${c.text}）` : null)).filter(Boolean));
  if (!ev.checkReport.ok) missed.push(`check-report（${ev.checkReport.text}）`);
  lines.push(missed.length ? `未达标：${missed.join("；")}。` : "全部目标均已达到。", "");

  lines.push("### 数据生成", "");
  table(["数据库", "报告", "县区", "生成速率", "用时", "支出明细行", "指标", "审计记录", "数据库大小", ""], runs.map((r) => [
    label(r), r.generation.reports.toLocaleString("en"), String(r.counties), `${Math.round(r.generation.reportsPerSecond)} 份/秒`,
    `${Math.round(r.generation.totalSeconds)} 秒`, (r.generation.generated.expenditure_lines ?? 0).toLocaleString("en"),
    (r.generation.generated.indicators ?? 0).toLocaleString("en"), (r.generation.counts.audit_log ?? 0).toLocaleString("en"),
    r.generation.bytes ? `${Math.round(r.generation.bytes / 1024 ** 2)} MB` : "—", r.reused ? "复用" : "本次生成",
  ]));

  lines.push("### 服务器时间（进程内直接调用加载器 / action / 模型函数）", "");
  const inprocKeys = Object.keys(runs[0]?.inproc ?? {});
  table(["场景", ...runs.map((r) => `${label(r)} p50 / p95 / p99`)], inprocKeys.map((k) => [
    /Tenth/.test(k) ? runs[0].inproc[k].what.replace(/第\d+页/, "第10页") + "（不足10页时为最后一页）" : runs[0].inproc[k].what, ...runs.map((r) => (r.inproc[k] ? `${ms(r.inproc[k].p50)} / ${ms(r.inproc[k].p95)} / ${ms(r.inproc[k].p99)}` : "—")),
  ]));

  lines.push("### 端到端 HTTP 延迟（单连接逐个请求，含 HTML 渲染）", "");
  const httpKeys = Object.keys(runs[0]?.http ?? {});
  table(["场景", ...runs.map((r) => `${label(r)} p50 / p95 / p99`)], httpKeys.map((k) => [
    k === "queueCityTenth" ? "审核队列第10页（市级审核，沿“下一页”；不足10页时为最后一页）" : runs[0].http[k].what, ...runs.map((r) => (r.http[k] ? `${ms(r.http[k].p50)} / ${ms(r.http[k].p95)} / ${ms(r.http[k].p99)}` : "—")),
  ]));

  lines.push(`### 吞吐量（autocannon，${options.connections} 个连接）`, "");
  table(["场景", "数据库", "请求/秒", "p50", "p95", "p99", "错误/超时/非2xx", "响应大小", "每请求 CPU（服务器 + 数据库）", "CPU 秒（服务器/数据库/压测端/其他进程）"], runs.flatMap((r) => [r.throughput.queue, r.throughput.dashboard].map((t) => [
    t.what, label(r), String(t.requestsPerSecond), ms(t.p50), ms(t.p95), ms(t.p99), `${t.errors}/${t.timeouts}/${t.non2xx}`, `${Math.round(t.bytesPerResponse / 1024)} KB`,
    `${ms(t.serverCpuMsPerRequest)}${t.databaseCpuMsPerRequest ? ` + ${ms(t.databaseCpuMsPerRequest)}` : ""}（约合每核 ${Math.round(1000 / Math.max(0.01, t.serverCpuMsPerRequest))}/s）`,
    `${t.cpu.serverSeconds} / ${t.cpu.databaseSeconds} / ${t.cpu.clientSeconds} / ${t.cpu.otherSeconds}`,
  ])));

  lines.push("“其他进程”是压测期间本机上与本基准无关的进程所用的 CPU（共享机器上的干扰）；“每请求 CPU”与干扰无关，是单个 Node 进程吞吐量的上限依据。", "");
  lines.push("### 内存", "");
  table(["数据库", "RSS 峰值（VmHWM）", "压测中采样最大 RSS", "结束时 RSS"], runs.map((r) => [label(r), `${r.memory.peakRssMiB} MiB`, `${r.memory.maxSampledRssMiB} MiB`, `${r.memory.endRssMiB} MiB`]));
  return lines.join("\n");
}

/** The import-throughput table, each format against its target. */
export function renderImports(imports: ReadonlyArray<{ format: string; files: number; seconds: number; filesPerSecond: number; read: number; target: number | null }>): string {
  const lines = ["", "### 导入吞吐量（经转换进程池，与服务器相同）", "", "| 格式 | 文件数 | 用时 | 速率 | 读出 | 目标 |", "| --- | --- | --- | --- | --- | --- |"];
  for (const r of imports) {
    const target = r.target === null ? "—" : `${r.filesPerSecond >= r.target ? "✅" : "❌"} ≥ ${r.target} 份/秒`;
    lines.push(`| ${r.format} | ${r.files} | ${r.seconds} 秒 | ${r.filesPerSecond} 份/秒 | ${r.read} / ${r.files} | ${target} |`);
  }
  return `${lines.join("\n")}\n`;
}
