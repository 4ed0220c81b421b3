/** Rules that compare the report with others: last year's, the county's. */
import { dec } from "../money";
import type { Flag } from "../report";
import { executionRateOf } from "./budget";
import { flag } from "./catalog";
import type { Check } from "./context";
import { show, threshold } from "./util";

/**
 * Robust statistics need a crowd: below this many peers (the county's other counted reports)
 * a median and a spread mean little, and COUNTY_OUTLIER stays silent.
 */
export const MIN_COUNTY_PEERS = 8;

function median(sorted: readonly number[]): number {
  const n = sorted.length, mid = Math.floor(n / 2);
  return n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Robust z of x against a sample: |x − median| / (1.4826·MAD). When more than half the sample
 * is identical (MAD = 0, common: many units at 100% execution) it falls back to the mean
 * absolute deviation (× 1.2533), as in Iglewicz–Hoaglin's modified z. Null when the sample is
 * too small or has no spread at all — never Infinity.
 */
export function robustZ(x: number, sample: readonly number[]): { z: number; median: number } | null {
  const xs = sample.filter(Number.isFinite).slice().sort((a, b) => a - b);
  if (!Number.isFinite(x) || xs.length < MIN_COUNTY_PEERS) return null;
  const m = median(xs);
  const deviations = xs.map((v) => Math.abs(v - m)).sort((a, b) => a - b);
  const mad = median(deviations);
  let scale = 1.4826 * mad;
  if (scale === 0) scale = 1.2533 * (deviations.reduce((a, b) => a + b, 0) / deviations.length);
  if (scale === 0) return null;
  return { z: Math.abs(x - m) / scale, median: m };
}

/** selfScore differs from last year's by more than the threshold (points). */
export const scoreJump: Check = (doc, ctx) => {
  const now = dec(doc.selfScore), before = dec(ctx.previousSelfScore);
  if (!now || !before) return [];
  const change = now.minus(before);
  if (change.abs().lte(threshold(ctx.settings.scoreJump))) return [];
  return [
    flag("SCORE_JUMP", "selfScore",
      `自评得分${doc.selfScore}较上年${ctx.previousSelfScore}${change.gt(0) ? "提高" : "下降"}${show(change.abs())}分，变动超过${ctx.settings.scoreJump}分`,
      { selfScore: doc.selfScore!, previousSelfScore: ctx.previousSelfScore!, change: show(change), threshold: ctx.settings.scoreJump }),
  ];
};

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Execution rate or selfScore far from the county's (robust z above the threshold). */
export const countyOutlier: Check = (doc, ctx) => {
  if (!ctx.county) return [];
  const out: Flag[] = [];
  const rate = executionRateOf(doc);
  if (rate) {
    const x = rate.times(100).toNumber();
    const r = robustZ(x, ctx.county.executionRates);
    if (r && r.z > ctx.settings.outlierZ) {
      out.push(flag("COUNTY_OUTLIER", "expenditure.total",
        `预算执行率${round2(x)}%与全县中位数${round2(r.median)}%差异明显（稳健z值${round2(r.z)}，超过${ctx.settings.outlierZ}）`,
        { measure: "executionRate", value: round2(x), countyMedian: round2(r.median), z: round2(r.z), threshold: ctx.settings.outlierZ }));
    }
  }
  const self = dec(doc.selfScore);
  if (self) {
    const x = self.toNumber();
    const r = robustZ(x, ctx.county.selfScores);
    if (r && r.z > ctx.settings.outlierZ) {
      out.push(flag("COUNTY_OUTLIER", "selfScore",
        `自评得分${doc.selfScore}与全县中位数${round2(r.median)}差异明显（稳健z值${round2(r.z)}，超过${ctx.settings.outlierZ}）`,
        { measure: "selfScore", value: doc.selfScore!, countyMedian: round2(r.median), z: round2(r.z), threshold: ctx.settings.outlierZ }));
    }
  }
  return out;
};
