/**
 * What the hostile-input suite asks of the web process itself: how long its event loop was
 * ever blocked and its peak resident memory. A 20 ms ticker measures the loop's lateness; a
 * tick more than STALL_MS late is a stall (a parse or a render that held the only thread).
 * Served by /healthz?stats only when RUNTIME_STATS=1 (tests and benchmarks), never by default.
 */
import { getConfig } from "./config.server";

const TICK_MS = 20;
export const STALL_MS = 200;

const stats = { stalls: 0, worstDelayMs: 0, since: Date.now() };
let last = performance.now();
let started = false;

function start() {
  if (started) return;
  started = true;
  last = performance.now();
  setInterval(() => {
    const t = performance.now();
    const late = t - last - TICK_MS;
    last = t;
    if (late > stats.worstDelayMs) stats.worstDelayMs = late;
    if (late > STALL_MS) stats.stalls++;
  }, TICK_MS).unref();
}

export interface RuntimeStats {
  stalls: number;
  stallThresholdMs: number;
  worstDelayMs: number;
  /** Peak resident set of this process since it started (getrusage). */
  maxRssBytes: number;
  rssBytes: number;
  heapUsedBytes: number;
  since: string;
}

export function runtimeStatsEnabled(): boolean {
  return getConfig().runtimeStats;
}

if (runtimeStatsEnabled()) start();

export function runtimeStats(): RuntimeStats {
  const memory = process.memoryUsage();
  return {
    stalls: stats.stalls,
    stallThresholdMs: STALL_MS,
    worstDelayMs: Math.round(stats.worstDelayMs),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    since: new Date(stats.since).toISOString(),
  };
}

/** Starts a new measuring period (peak RSS cannot be reset: it is the process's). */
export function resetRuntimeStats(): void {
  stats.stalls = 0;
  stats.worstDelayMs = 0;
  stats.since = Date.now();
}
