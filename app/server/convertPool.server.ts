/**
 * Every untrusted file (an upload, a received file, a .zip of them) is read in a child process
 * with hard limits, so that the worst file costs one worker, never the web server.
 *
 * Why child processes and not worker_threads: a thread's heap lives in the web process (its RSS
 * must stay under 300 MB) and a thread that runs V8 out of memory takes the whole process with
 * it. A child gets its own V8 heap capped by --max-old-space-size (V8 aborts the child, not us),
 * a resident-memory watch for what the heap cap does not count (file bytes, inflated parts are
 * ArrayBuffers outside the heap), and a wall-clock limit per file, enforced with SIGKILL because
 * a worker stuck in a loop answers nothing.
 *
 * At most `maxWorkers` children (the machine has 2 cores), started on demand, each reading one
 * file at a time; at most `maxQueued` files wait for a free worker, beyond that the caller gets
 * 服务器繁忙 at once instead of a request that hangs. A worker is replaced after
 * `filesPerWorker` files, when its heap stays large after a file, and whenever it dies.
 * Callers always get a result, `{ ok: false, error }` in Chinese when the worker was stopped —
 * never an exception.
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ExpandResult } from "~/domain/import/archive";
import type { ConvertResult } from "~/domain/import/flat";
import { refuseBeforeReading, type ReadResult } from "~/domain/import/read";
import type { WorkerMessage, WorkerRequest } from "./convertWorker";

export interface ConvertLimits {
  /** Wall-clock time one file may take, from hand-over to the worker to its answer. */
  timeLimitMs: number;
  /** The worker's V8 heap (--max-old-space-size). */
  memoryLimitMb: number;
  /** The worker's resident memory, polled while it works: heap plus ArrayBuffers and code. */
  rssLimitMb: number;
  maxWorkers: number;
  /** Files waiting for a free worker; one more is refused as busy. */
  maxQueued: number;
  /** A worker is replaced after this many files (mammoth and exceljs are not ours to trust for leaks). */
  filesPerWorker: number;
  /** A worker that has not said "ready" by then is killed (counts as a failed start). */
  startupTimeoutMs: number;
}

/**
 * The limits in production. 384 MB of heap: the largest workbook accepted (MAX_CELLS, 500k
 * cells) converts in about 300 MB of heap and 440 MB resident (5.6 s on a quiet core); the
 * 12 MB-of-`<w:p/>` .docx that ran the server out of memory, before docx.ts counted paragraphs,
 * reached this cap in about 4 s.
 */
export const CONVERT_LIMITS: Readonly<ConvertLimits> = Object.freeze({
  timeLimitMs: 20_000,
  memoryLimitMb: 384,
  rssLimitMb: 384 + 256,
  maxWorkers: 2,
  maxQueued: 6,
  filesPerWorker: 200,
  startupTimeoutMs: 30_000,
});

/** Resident memory allowed above the heap cap when only the heap cap is overridden. */
const RSS_HEADROOM_MB = 256;
/** A worker whose heap stays above this share of its cap after a file is replaced. */
const RECYCLE_HEAP_SHARE = 0.5;
const RSS_POLL_MS = 100;
/** Failed starts in a row before the waiting files are failed instead of retried. */
const MAX_FAILED_STARTS = 3;

export const BUSY_MESSAGE = "服务器繁忙，请稍后再试";
export const CRASH_MESSAGE = "文件解析进程意外退出，已停止";
export const UNAVAILABLE_MESSAGE = "文件解析服务无法启动，请稍后再试或联系管理员";

export function timeLimitMessage(timeLimitMs: number): string {
  const seconds = Math.round(timeLimitMs / 100) / 10;
  return `文件解析超过 ${seconds} 秒的时间上限，已停止`;
}

export function memoryLimitMessage(limitMb: number): string {
  return `文件解析所需内存超过 ${limitMb} MB 的上限，已停止`;
}

export type ConvertPoolOptions = Partial<ConvertLimits> & {
  /** The worker script; found automatically (see `findWorkerEntry`). */
  workerPath?: string;
};

type Failure = { ok: false; error: string };
type Answer = ConvertResult | ExpandResult;
type Task = { kind: "convert" | "read"; fileName: string; bytes: Uint8Array } | { kind: "expandZip"; bytes: Uint8Array };

interface Job {
  id: number;
  request: Task;
  accepts(result: unknown): boolean;
  settle(result: Answer): void;
}

interface Worker {
  child: ChildProcess;
  ready: boolean;
  /** Being replaced or killed: takes no more files and does not count against maxWorkers. */
  stopping: boolean;
  job: Job | null;
  files: number;
  killedFor: "time" | "memory" | null;
  stderr: string;
  startTimer?: NodeJS.Timeout;
  jobTimer?: NodeJS.Timeout;
  rssWatch?: NodeJS.Timeout;
  exited: Promise<void>;
}

export interface WorkerEntry {
  path: string;
  /** Node flags needed to run it (tsx's loader for the TypeScript source). */
  loader: string[];
  /** Environment the entry needs beyond the basics. */
  env: Record<string, string>;
}

/**
 * Where the worker script is: build/convert-worker.js beside the running server bundle
 * (build/index.js), else convertWorker.ts beside this source file (vitest, tsx scripts), else
 * the same two looked up from the working directory (a bundle living elsewhere, e.g. the bench's).
 */
export function findWorkerEntry(path?: string): WorkerEntry {
  if (!path) {
    const here = dirname(fileURLToPath(import.meta.url));
    const candidates = [
      join(here, "convert-worker.js"),
      join(here, "convertWorker.ts"),
      resolve("build", "convert-worker.js"),
      resolve("app", "server", "convertWorker.ts"),
    ];
    path = candidates.find((p) => existsSync(p));
    if (!path) throw new Error(`找不到文件解析进程的脚本（已查找：${candidates.join("，")}）；请先运行 npm run build`);
  }
  if (!path.endsWith(".ts")) return { path, loader: [], env: {} };
  let tsx = "tsx";
  try {
    tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  } catch {
    // left to node's own resolution from the working directory
  }
  // The project's tsconfig (path aliases), wherever the working directory is.
  const tsconfig = resolve(dirname(path), "..", "..", "tsconfig.json");
  return { path, loader: ["--import", tsx], env: existsSync(tsconfig) ? { TSX_TSCONFIG_PATH: tsconfig } : {} };
}

/** What a worker inherits: nothing secret (DATABASE_URL may hold a password), nothing that changes node's flags. */
const INHERITED_ENV = ["PATH", "HOME", "TMPDIR", "TMP", "TEMP", "TZ", "LANG", "LC_ALL", "NODE_ENV", "SystemRoot"];

function isConvertResult(value: unknown): value is ConvertResult {
  const v = value as { ok?: unknown; text?: unknown; error?: unknown } | null;
  return !!v && (v.ok === true ? typeof v.text === "string" : v.ok === false && typeof v.error === "string");
}

function isReadResult(value: unknown): value is ReadResult {
  const v = value as { ok?: unknown; text?: unknown; result?: { ok?: unknown; document?: unknown } ; error?: unknown } | null;
  if (!v) return false;
  if (v.ok === false) return typeof v.error === "string";
  return v.ok === true && typeof v.text === "string" && !!v.result && typeof v.result.ok === "boolean" && typeof v.result.document === "object";
}

function isExpandResult(value: unknown): value is ExpandResult {
  const v = value as { ok?: unknown; files?: unknown; error?: unknown } | null;
  if (!v) return false;
  if (v.ok === false) return typeof v.error === "string";
  return v.ok === true && Array.isArray(v.files) && v.files.every((f) => f && typeof f.name === "string" && f.bytes instanceof Uint8Array);
}

/** Resident memory of a process in MB, or null where /proc is not available. */
function residentMb(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export class ConvertPool {
  readonly limits: Readonly<ConvertLimits>;
  private readonly workerPath: string | undefined;
  private entry: WorkerEntry | undefined;
  private readonly workers = new Set<Worker>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private failedStarts = 0;
  private closed = false;
  /** Workers started and workers stopped by a limit or found dead, since the pool was made. */
  readonly counts = { started: 0, timedOut: 0, outOfMemory: 0, crashed: 0 };

  constructor(options: ConvertPoolOptions = {}) {
    const { workerPath, ...overrides } = options;
    const memoryLimitMb = overrides.memoryLimitMb ?? CONVERT_LIMITS.memoryLimitMb;
    this.limits = Object.freeze({
      ...CONVERT_LIMITS,
      rssLimitMb: overrides.memoryLimitMb != null ? memoryLimitMb + RSS_HEADROOM_MB : CONVERT_LIMITS.rssLimitMb,
      ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v != null)),
    });
    this.workerPath = workerPath;
  }

  /** convertUpload, in a worker. */
  convert(fileName: string, bytes: Uint8Array): Promise<ConvertResult> {
    return this.submit({ kind: "convert", fileName, bytes }, isConvertResult) as Promise<ConvertResult>;
  }

  /** readReport (convert, then parse), in a worker; refusals that need no parsing answered at once. */
  read(fileName: string, bytes: Uint8Array): Promise<ReadResult> {
    const early = refuseBeforeReading(fileName, bytes);
    if (early) return Promise.resolve({ ok: false, error: early });
    return this.submit({ kind: "read", fileName, bytes }, isReadResult) as Promise<ReadResult>;
  }

  /** expandReportZip, in a worker. */
  expandZip(bytes: Uint8Array): Promise<ExpandResult> {
    return this.submit({ kind: "expandZip", bytes }, isExpandResult) as Promise<ExpandResult>;
  }

  /** Worker processes, files being read and files waiting (for tests and diagnostics). */
  state(): { pids: number[]; running: number; queued: number } {
    const workers = [...this.workers];
    return { pids: workers.flatMap((w) => (w.child.pid ? [w.child.pid] : [])), running: workers.filter((w) => w.job).length, queued: this.queue.length };
  }

  /** Fails waiting files, kills every worker and waits until they are gone. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.settle({ ok: false, error: UNAVAILABLE_MESSAGE });
    const exits = [...this.workers].map((w) => {
      w.child.ref(); // the caller waits for the exit: keep the process alive until then
      this.stop(w, "SIGKILL");
      return w.exited;
    });
    await Promise.all(exits);
  }

  private submit(request: Task, accepts: (result: unknown) => boolean): Promise<Answer> {
    if (this.closed) return Promise.resolve<Failure>({ ok: false, error: UNAVAILABLE_MESSAGE });
    const running = [...this.workers].filter((w) => w.job).length;
    // Counted at the call, not when a worker frees up, so a burst gets its answer at once.
    if (running + this.queue.length >= this.limits.maxWorkers + this.limits.maxQueued) {
      return Promise.resolve<Failure>({ ok: false, error: BUSY_MESSAGE });
    }
    return new Promise<Answer>((settle) => {
      this.queue.push({ id: this.nextId++, request, accepts, settle });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length && !this.closed) {
      const live = [...this.workers].filter((w) => !w.stopping);
      const idle = live.find((w) => w.ready && !w.job);
      if (idle) {
        this.assign(idle, this.queue.shift()!);
        continue;
      }
      const starting = live.filter((w) => !w.ready).length;
      if (live.length >= this.limits.maxWorkers || starting >= this.queue.length) return;
      if (!this.spawn()) return;
    }
  }

  private spawn(): boolean {
    try {
      this.entry ??= findWorkerEntry(this.workerPath);
    } catch (error) {
      console.error(error instanceof Error ? error.message : error);
      this.failWaiting(UNAVAILABLE_MESSAGE);
      return false;
    }
    const env: Record<string, string> = { ...this.entry.env };
    for (const key of INHERITED_ENV) if (process.env[key] != null) env[key] = process.env[key]!;
    const child = fork(this.entry.path, [], {
      execArgv: [...this.entry.loader, `--max-old-space-size=${this.limits.memoryLimitMb}`],
      env: env as NodeJS.ProcessEnv,
      serialization: "advanced", // Uint8Array crosses as bytes, not as a JSON array of numbers
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    this.counts.started++;
    let exited!: () => void;
    const worker: Worker = { child, ready: false, stopping: false, job: null, files: 0, killedFor: null, stderr: "", exited: new Promise((r) => (exited = r)) };
    this.workers.add(worker);
    // Idle workers must not keep a CLI (check-report) alive; a file in progress keeps it alive by its timer.
    child.unref();
    child.channel?.unref();
    const stderr = child.stderr as (NodeJS.ReadableStream & { unref?: () => void }) | null;
    stderr?.unref?.();
    stderr?.on("data", (chunk: Buffer) => {
      worker.stderr = (worker.stderr + chunk.toString("utf8")).slice(-4000);
    });
    worker.startTimer = setTimeout(() => this.stop(worker, "SIGKILL"), this.limits.startupTimeoutMs);
    child.on("message", (message: WorkerMessage) => this.onMessage(worker, message));
    child.on("error", () => {
      // Could not spawn (no exit follows), or could not be signalled or written to (exit follows).
      if (child.pid == null) {
        this.onExit(worker, null, null);
        exited();
      } else this.stop(worker, "SIGKILL");
    });
    child.on("exit", (code, signal) => {
      this.onExit(worker, code, signal);
      exited();
    });
    return true;
  }

  private assign(worker: Worker, job: Job): void {
    worker.job = job;
    const message: WorkerRequest = { id: job.id, ...job.request };
    worker.child.send(message, (error) => {
      if (error) this.stop(worker, "SIGKILL");
    });
    worker.jobTimer = setTimeout(() => {
      worker.killedFor = "time";
      this.stop(worker, "SIGKILL");
    }, this.limits.timeLimitMs);
    const pid = worker.child.pid;
    if (pid != null && residentMb(pid) != null) {
      worker.rssWatch = setInterval(() => {
        const rss = residentMb(pid);
        if (rss != null && rss > this.limits.rssLimitMb && worker.job) {
          worker.killedFor = "memory";
          this.stop(worker, "SIGKILL");
        }
      }, RSS_POLL_MS);
      worker.rssWatch.unref();
    }
  }

  private onMessage(worker: Worker, message: WorkerMessage): void {
    if (message?.type === "ready" && !worker.ready) {
      worker.ready = true;
      clearTimeout(worker.startTimer);
      this.failedStarts = 0;
      this.dispatch();
      return;
    }
    if (message?.type !== "result" || !worker.job || message.id !== worker.job.id || worker.killedFor) return;
    const job = worker.job;
    this.release(worker);
    worker.files++;
    job.settle(job.accepts(message.result) ? message.result : { ok: false, error: CRASH_MESSAGE });
    const heapMb = typeof message.heapUsed === "number" ? message.heapUsed / 1024 / 1024 : 0;
    if (worker.files >= this.limits.filesPerWorker || heapMb > this.limits.memoryLimitMb * RECYCLE_HEAP_SHARE) this.stop(worker, "disconnect");
    this.dispatch();
  }

  private onExit(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    if (!this.workers.delete(worker)) return;
    clearTimeout(worker.startTimer);
    const job = worker.job;
    this.release(worker);
    if (job) {
      // V8 aborts (SIGABRT, or 134 through a shell) when the heap cap is reached.
      const heapOut = signal === "SIGABRT" || code === 134 || /heap out of memory/i.test(worker.stderr);
      let error: string;
      if (worker.killedFor === "time") {
        this.counts.timedOut++;
        error = timeLimitMessage(this.limits.timeLimitMs);
      } else if (worker.killedFor === "memory" || heapOut) {
        this.counts.outOfMemory++;
        error = memoryLimitMessage(worker.killedFor === "memory" ? this.limits.rssLimitMb : this.limits.memoryLimitMb);
      } else {
        this.counts.crashed++;
        error = CRASH_MESSAGE;
      }
      job.settle({ ok: false, error });
    } else if (!worker.ready && !this.closed) {
      this.failedStarts++;
      console.error(`文件解析进程未能启动（退出码 ${code ?? "—"}，信号 ${signal ?? "—"}）：${worker.stderr.trim().slice(-1000)}`);
      if (this.failedStarts >= MAX_FAILED_STARTS) {
        this.failedStarts = 0;
        this.failWaiting(UNAVAILABLE_MESSAGE);
      }
    }
    this.dispatch();
  }

  private release(worker: Worker): void {
    clearTimeout(worker.jobTimer);
    clearInterval(worker.rssWatch);
    worker.jobTimer = worker.rssWatch = undefined;
    worker.job = null;
  }

  /** "disconnect": the worker leaves by itself once idle (SIGKILL if it has not within 5 s). */
  private stop(worker: Worker, how: "SIGKILL" | "disconnect"): void {
    worker.stopping = true;
    const { child } = worker;
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (how === "disconnect" && child.connected) {
      child.disconnect();
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    } else {
      child.kill("SIGKILL");
    }
  }

  private failWaiting(error: string): void {
    for (const job of this.queue.splice(0)) job.settle({ ok: false, error });
  }
}

// One pool per process, kept across the dev server's module reloads.
const shared = globalThis as typeof globalThis & { __convertPool?: ConvertPool };

/** The process's pool with the production limits. */
export function convertPool(): ConvertPool {
  shared.__convertPool ??= new ConvertPool();
  return shared.__convertPool;
}

/** readReport (app/domain/import/read.ts) for untrusted bytes: converted and parsed in a worker. */
export function readReportUntrusted(fileName: string, bytes: Uint8Array): Promise<ReadResult> {
  return convertPool().read(fileName, bytes);
}

/** expandReportZip (app/domain/import/archive.ts) for an untrusted .zip, in a worker. */
export function expandZipUntrusted(bytes: Uint8Array): Promise<ExpandResult> {
  return convertPool().expandZip(bytes);
}

/** Stops the process's pool (scripts that want to exit at once; tests). */
export async function closeConvertPool(): Promise<void> {
  const pool = shared.__convertPool;
  shared.__convertPool = undefined;
  await pool?.close();
}
