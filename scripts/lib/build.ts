import { execFileSync } from "node:child_process";
import { existsSync, statSync, readdirSync } from "node:fs";
import { join } from "node:path";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the app unless build/ is newer than every source file. */
export function ensureBuild(): void {
  const built = existsSync("build/index.js") ? statSync("build/index.js").mtimeMs : 0;
  if (built > Math.max(newestMtime("app"), newestMtime("db"))) return;
  console.log("正在构建应用（remix build）…");
  execFileSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
}
