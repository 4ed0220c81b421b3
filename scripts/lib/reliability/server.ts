/**
 * The real server for the security and reliability tests: build once (a lock, so parallel
 * test files do not build over each other), start ./app-server.ts as a child process on a free
 * port ≥ 3300 (3100 is the e2e suite's, 3200 another engineer's), kill it (SIGKILL for the
 * crash test), and talk to it over HTTP like a browser: a cookie jar, the Origin header, and
 * Remix single-fetch `.data` requests decoded with turbo-stream.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { decode } from "turbo-stream";
import { bundleServerEntry, ensureBuild, PRODUCTION_NODE_OPTIONS } from "../build";
import { ROOT } from "./figures";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `ensureBuild()` under a cross-process lock: one builder, the others wait and reuse its build. */
export async function ensureBuildOnce(): Promise<void> {
  const lock = join(ROOT, ".tmp", "reliability", "build.lock");
  mkdirSync(join(ROOT, ".tmp", "reliability"), { recursive: true });
  const deadline = Date.now() + 240_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else builds; a lock older than 4 minutes belongs to a dead builder.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 240_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error("timed out waiting for another process's remix build");
      await sleep(500);
    }
  }
  const cwd = process.cwd();
  try {
    process.chdir(ROOT);
    ensureBuild();
  } finally {
    process.chdir(cwd);
    rmSync(lock, { recursive: true, force: true });
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** A free port in 3300–3999, starting at a random offset so parallel files rarely collide. */
export async function freePort(): Promise<number> {
  const start = 3300 + Math.floor(Math.random() * 700);
  for (let i = 0; i < 700; i++) {
    const port = 3300 + ((start - 3300 + i) % 700);
    if (await portFree(port)) return port;
  }
  throw new Error("no free port in 3300–3999");
}

export interface AppServer {
  port: number;
  base: string;
  child: ChildProcess;
  /** stdout and stderr so far. */
  log(): string;
  /** Ends the process with the signal and waits for it to be gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  databaseUrl: string;
  port?: number;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

const APP_SERVER = join(ROOT, "scripts", "lib", "reliability", "app-server.ts");
let appServerBundle: string | undefined;

/**
 * app-server.ts bundled to plain JavaScript, once per test process (its own file, so parallel
 * test files never overwrite each other's): the server then runs as `npm start` runs it, plain
 * node with the production flags, so its memory is the production server's, not tsx's.
 */
function bundledAppServer(): string {
  if (!appServerBundle) {
    const outfile = join(ROOT, ".tmp", "reliability", `app-server-${process.pid}.js`);
    bundleServerEntry(APP_SERVER, outfile);
    appServerBundle = outfile;
    process.once("exit", () => rmSync(outfile, { force: true }));
  }
  return appServerBundle;
}

/** Starts the production server on `databaseUrl` and waits for `READY`. */
export async function startAppServer(options: StartOptions): Promise<AppServer> {
  let lastError = "";
  for (let attempt = 0; attempt < 4; attempt++) {
    const port = options.port ?? (await freePort());
    const child = spawn(process.execPath, [...PRODUCTION_NODE_OPTIONS, bundledAppServer()], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: "production",
        INSECURE_COOKIES: "1",
        ...options.env,
        DATABASE_URL: options.databaseUrl,
        PORT: String(port),
        RELIABILITY_PARENT_PID: String(process.pid),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (b: Buffer) => (output += b.toString()));
    child.stderr!.on("data", (b: Buffer) => (output += b.toString()));
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    const gone = () => child.exitCode !== null || child.signalCode !== null;
    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    while (!output.includes(`READY ${port}`) && !gone() && Date.now() < deadline) await sleep(25);
    const server: AppServer = {
      port,
      base: `http://127.0.0.1:${port}`,
      child,
      log: () => output,
      async kill(signal: NodeJS.Signals = "SIGTERM") {
        if (!gone()) {
          child.kill(signal);
          await exited;
        }
      },
    };
    if (output.includes(`READY ${port}`)) return server;
    await server.kill("SIGKILL");
    lastError = output.slice(-2000);
    if (!/EADDRINUSE/.test(output) || options.port) break;
  }
  throw new Error(`app server did not start:\n${lastError}`);
}

export interface HttpResult {
  status: number;
  headers: Headers;
  /** Decoded single-fetch payload for `.data` requests, else undefined. */
  data?: any;
  text?: string;
}

/** A browser-like client: keeps cookies, sends Origin on every non-GET (unless told otherwise). */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(readonly base: string, readonly extraHeaders: Record<string, string> = {}) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private remember(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (!value || /Max-Age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(path: string, init: RequestInit & { origin?: string | null } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(this.extraHeaders)) if (!headers.has(k)) headers.set(k, v);
    if (this.cookies.size && !headers.has("Cookie")) headers.set("Cookie", this.cookieHeader());
    const method = (init.method ?? "GET").toUpperCase();
    if (method !== "GET" && method !== "HEAD" && init.origin !== null && !headers.has("Origin")) headers.set("Origin", init.origin ?? this.base);
    const res = await fetch(this.base + path, { ...init, headers, redirect: "manual" });
    this.remember(res);
    return res;
  }

  /** GET a page (HTML) or a download. */
  async get(path: string): Promise<HttpResult> {
    const res = await this.request(path);
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  /** A form POST as a document request (no JavaScript): the HTML answer. */
  async postForm(path: string, fields: Record<string, string>, init: { origin?: string | null } = {}): Promise<HttpResult> {
    const res = await this.request(path, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
      origin: init.origin,
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  /** A Remix single-fetch action call (what the page's fetchers send): POST `<path>.data`. */
  async action(path: string, fields: Record<string, string>, options: { index?: boolean } = {}): Promise<HttpResult> {
    const [pathname, query = ""] = path.split("?");
    const params = new URLSearchParams(query);
    if (options.index) params.set("index", "");
    const qs = params.toString().replace(/index=(&|$)/, "index$1");
    const url = `${pathname === "/" ? "/_root" : pathname}.data${qs ? `?${qs}` : ""}`;
    const res = await this.request(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
    return decodeResult(res);
  }

  /** A Remix single-fetch loader call: GET `<path>.data`. */
  async loader(path: string): Promise<HttpResult> {
    const [pathname, query] = path.split("?");
    const res = await this.request(`${pathname === "/" ? "/_root" : pathname}.data${query ? `?${query}` : ""}`);
    return decodeResult(res);
  }

  async login(username: string, password: string): Promise<number> {
    const res = await this.postForm("/login", { username, password });
    return res.status;
  }
}

async function decodeResult(res: Response): Promise<HttpResult> {
  const type = res.headers.get("content-type") ?? "";
  if (!type.startsWith("text/x-script") || !res.body) return { status: res.status, headers: res.headers, text: await res.text() };
  const decoded = await decode(res.body);
  await decoded.done;
  return { status: res.status, headers: res.headers, data: decoded.value };
}

