/** Latency summaries: percentiles by nearest rank over the recorded samples (milliseconds). */
export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { n: sorted.length, p50: r(percentile(sorted, 50)), p95: r(percentile(sorted, 95)), p99: r(percentile(sorted, 99)), mean: r(mean), max: r(sorted.at(-1) ?? Number.NaN) };
}

/**
 * Runs `fn` after `warmup` untimed calls, `iterations` times or until `maxSeconds` have
 * passed (at least `minIterations`), and summarises the wall time of each call.
 */
export async function timeCalls(fn: () => Promise<unknown>, opts: { warmup?: number; iterations?: number; maxSeconds?: number; minIterations?: number } = {}): Promise<Summary> {
  const { warmup = 5, iterations = 200, maxSeconds = 10, minIterations = 20 } = opts;
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
    if (i + 1 >= minIterations && performance.now() - started > maxSeconds * 1000) break;
  }
  return summarize(samples);
}
