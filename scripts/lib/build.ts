import { execFileSync } from "node:child_process";
import { existsSync, statSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The convert worker's entry and its bundle beside build/index.js (see app/server/convertPool.server.ts). */
export const CONVERT_WORKER_ENTRY = "app/server/convertWorker.ts";
export const CONVERT_WORKER_BUNDLE = "build/convert-worker.js";

const mtime = (path: string) => (existsSync(path) ? statSync(path).mtimeMs : 0);

/** Builds the app (and the convert worker) unless build/ is newer than every source file. */
export function ensureBuild(): void {
  const sources = Math.max(newestMtime("app"), newestMtime("db"));
  if (mtime("build/index.js") <= sources) {
    console.log("正在构建应用（remix build）…");
    execFileSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  }
  if (mtime(CONVERT_WORKER_BUNDLE) <= sources) bundleConvertWorker();
}

/** `npm run build` does the same after remix build (package.json "build"). */
export function bundleConvertWorker(): void {
  bundleServerEntry(CONVERT_WORKER_ENTRY, CONVERT_WORKER_BUNDLE);
}

/**
 * The V8 flags the production server runs with (keep `npm start` in package.json in step):
 * --max-old-space-size=1024 for V8's growth rule, not as a cap — below a 2 GB limit the old
 * generation grows to 1.6× (not 4×) its live size before a full collection (see scripts/serve.ts).
 */
export const PRODUCTION_NODE_OPTIONS = ["--max-old-space-size=1024"];

/**
 * A server entry (TypeScript) bundled to plain JavaScript for node, packages left external:
 * as `npm start` does, so the server runs without tsx's loader in the process.
 */
export function bundleServerEntry(entry: string, outfile: string): void {
  buildSync({ entryPoints: [entry], bundle: true, platform: "node", format: "esm", packages: "external", outfile, logLevel: "warning" });
}
