import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import { useState } from "react";
import { clientAddress, notFound, requireViewerFor } from "~/auth/guard.server";
import { MAX_UPLOAD_BYTES } from "~/domain/import/limits";
import { listCampaigns } from "~/models/campaigns.server";
import { listReceivedFiles, resolvePending, type IntakeOutcome } from "~/models/intake.server";
import { latestReportedYear } from "~/models/reportingYear.server";
import { countyIdsFor } from "~/models/scope.server";
import { listCounties, listUnits } from "~/models/units.server";
import { db } from "~/services.server";


export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = await requireViewerFor(request, context, "intake.receive");
  const countyIds = countyIdsFor(viewer, "intake.receive");
  const params = new URL(request.url).searchParams;
  const [counties, campaigns, units] = await Promise.all([listCounties(db(), countyIds), listCampaigns(db(), countyIds), listUnits(db(), countyIds)]);
  const years = [...new Set(campaigns.map((c) => c.year))].sort((a, b) => b - a);
  const year = Number(params.get("year")) || (await latestReportedYear(db(), countyIds)) || years[0] || new Date().getFullYear() - 1;
  const files = await listReceivedFiles(db(), countyIds, year);
  return {
    year, years,
    counties: counties.map((c) => ({ id: c.id, name: c.name })),
    units: units.map((u) => ({ id: u.id, name: u.name, countyId: u.countyId })),
    files,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewerFor(request, context, "intake.receive");
  const form = await request.formData();
  const actor = { userId: viewer.userId, name: viewer.displayName, address: clientAddress(context) };
  const outcome = await resolvePending(db(), countyIdsFor(viewer, "intake.receive"), String(form.get("fileId") ?? ""), String(form.get("unitId") ?? ""), actor);
  if (!outcome) return notFound(request, context, viewer, `received_file:${form.get("fileId")}`, "该文件或单位不存在");
  return { outcome, error: null as string | null };
}

const STATUS = { imported: "已接收", pending: "待选择单位", refused: "已拒收" } as Record<string, string>;

interface Progress {
  total: number;
  done: number;
  outcomes: IntakeOutcome[];
  errors: string[];
}

export default function Intake() {
  const { year, years, counties, units, files } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const [countyId, setCountyId] = useState(counties[0]?.id ?? "");
  const [selectedYear, setSelectedYear] = useState(year);
  const [progress, setProgress] = useState<Progress | null>(null);

  // Files go one request each, so the clerk sees progress and one bad file stops nothing.
  async function upload(list: FileList) {
    const chosen = [...list];
    setProgress({ total: chosen.length, done: 0, outcomes: [], errors: [] });
    for (const file of chosen) {
      let outcomes: IntakeOutcome[] = [];
      let error: string | null = null;
      if (file.size > MAX_UPLOAD_BYTES) error = `${file.name}：文件过大（上限 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB）`;
      else {
        const body = new FormData();
        body.set("intent", "upload");
        body.set("countyId", countyId);
        body.set("year", String(selectedYear));
        body.set("file", file);
        try {
          const response = await fetch("/intake/upload", { method: "POST", body });
          const parsed = (response.headers.get("Content-Type") ?? "").includes("json") ? ((await response.json()) as { outcomes: IntakeOutcome[]; error: string | null }) : null;
          outcomes = parsed?.outcomes ?? [];
          error = parsed?.error ?? (response.ok ? null : `${file.name}：上传失败（${response.status}）`);
        } catch {
          error = `${file.name}：网络错误，请重试`;
        }
      }
      setProgress((p) => p && { ...p, done: p.done + 1, outcomes: [...p.outcomes, ...outcomes], errors: error ? [...p.errors, error] : p.errors });
    }
    revalidator.revalidate();
  }

  const summary = progress ? {
    imported: progress.outcomes.filter((o) => o.status === "imported").length,
    pending: progress.outcomes.filter((o) => o.status === "pending").length,
    refused: progress.outcomes.filter((o) => o.status === "refused").length + progress.errors.length,
  } : null;

  return (
    <>
      <h1>批量接收报告</h1>
      <section className="card">
        <p>选择多个 .txt、.docx、.xlsx 文件，或一个 .zip 压缩包。系统按报告中的单位名称匹配单位，接收为“已提交”状态（保留原文件和全部检查结果）。</p>
        <div className="filters">
          <label>县区 <select value={countyId} onChange={(e) => setCountyId(e.target.value)}>{counties.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}</select></label>{" "}
          <label>填报年度 <select value={selectedYear} onChange={(e) => setSelectedYear(Number(e.target.value))}>{years.map((y) => <option key={y} value={y}>{y}</option>)}</select></label>{" "}
          <label>文件 <input type="file" multiple accept=".txt,.docx,.xlsx,.pdf,.html,.htm,.mhtml,.mht,.zip" aria-label="选择报告文件" disabled={!!progress && progress.done < progress.total}
            onChange={(e) => { if (e.target.files?.length) void upload(e.target.files); e.target.value = ""; }} /></label>
        </div>
        {progress ? (
          <div className="intake-progress" role="status" aria-live="polite">
            <progress max={progress.total} value={progress.done} /> {progress.done}/{progress.total} 个文件
            {summary && progress.done === progress.total ? <p>完成：接收 {summary.imported} 份，待选择单位 {summary.pending} 份，拒收 {summary.refused} 份。</p> : null}
            <ul>{progress.errors.map((e) => <li key={e} className="sev-error">{e}</li>)}</ul>
          </div>
        ) : null}
      </section>
      <section className="card">
        <h2>{year}年度已接收的文件（{files.length}）</h2>
        <table className="data">
          <thead><tr><th>文件</th><th>识别的单位名称</th><th>结果</th><th>说明</th><th></th></tr></thead>
          <tbody>
            {files.map((f) => (
              <tr key={f.id} data-file={f.fileName}>
                <td>{f.fileName}</td><td>{f.unitName ?? "—"}</td><td>{STATUS[f.status] ?? f.status}</td><td>{f.message}</td>
                <td>
                  {f.reportId ? <Link to={`/reports/${f.reportId}`}>查看报告</Link> : null}
                  {f.status === "pending" ? <ResolveForm fileId={f.id} units={units.filter((u) => u.countyId === f.countyId)} /> : null}
                </td>
              </tr>
            ))}
            {files.length === 0 ? <tr><td colSpan={5} className="muted">还没有接收任何文件。</td></tr> : null}
          </tbody>
        </table>
      </section>
    </>
  );
}

function ResolveForm({ fileId, units }: { fileId: string; units: Array<{ id: string; name: string }> }) {
  const fetcher = useFetcher<typeof action>();
  return (
    <fetcher.Form method="post" className="inline-form">
      <input type="hidden" name="intent" value="resolve" />
      <input type="hidden" name="fileId" value={fileId} />
      <label className="visually-hidden" htmlFor={`unit-${fileId}`}>选择单位</label>
      <select id={`unit-${fileId}`} name="unitId">{units.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}</select>{" "}
      <button type="submit" className="secondary">确认</button>
      {fetcher.data?.error ? <span className="field-error">{fetcher.data.error}</span> : null}
      {fetcher.data?.outcome ? <span className="muted">{fetcher.data.outcome.message}</span> : null}
    </fetcher.Form>
  );
}

