import type { ReactNode } from "react";
import type { LiveFigureValues } from "./figures";

const show = (v: string | null, suffix = "") => (v == null ? "—" : `${v}${suffix}`);

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="figure-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** Running totals while the unit types (exact; "—" when undefined). */
export function LiveFigures({ figures: f }: { figures: LiveFigureValues }) {
  return (
    <section className="live-figures card" aria-labelledby="live-figures-title">
      <h2 id="live-figures-title">实时计算</h2>
      <dl>
        <Row label="Σ 支出明细决算数">
          {show(f.linesFinalSum, " 万元")}
          <span className="muted"> / 支出合计 {show(f.expenditureTotal, " 万元")}</span>
          {f.linesDifference != null && f.linesDifference !== "0" ? <span className="figure-diff">（差 {f.linesDifference}）</span> : null}
        </Row>
        <Row label="预算执行率">{show(f.executionRatePct, "%")}</Row>
        <Row label="偏离度（计算）">
          {show(f.deviationPct, "%")}
          <span className="muted"> / 填报 {show(f.statedDeviationPct, "%")}</span>
        </Row>
        <Row label="Σ 权重">{show(f.weightSum, "%")}<span className="muted"> / 应为 100%</span></Row>
        <Row label="Σ 得分">
          {show(f.scoreSum)}
          <span className="muted"> / 自评得分 {show(f.selfScore)}</span>
          {f.scoreDifference != null && f.scoreDifference !== "0" ? <span className="figure-diff">（差 {f.scoreDifference}）</span> : null}
        </Row>
      </dl>
    </section>
  );
}
