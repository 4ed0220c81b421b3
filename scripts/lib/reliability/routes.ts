/**
 * Every route module of the app, found the way Remix's flat routes find them (files directly
 * in app/routes, or folders with a route.tsx), plus app/root.tsx; and the form intents each
 * action tells apart. The authorization matrix and the Origin test walk this list, so a route
 * or intent added later is tested — or fails the test until someone says how to test it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./figures";

export interface RouteFile {
  /** Remix route id: `root`, `routes/reports.$reportId._index`. */
  id: string;
  file: string;
  /** Intent values found in the module's source (`case "save":`, `z.literal("start")`, `=== "accept"`). */
  intents: string[];
}

const ROUTE_EXT = /\.(tsx?|jsx?)$/;

export function discoverRouteFiles(root = ROOT): RouteFile[] {
  const dir = join(root, "app", "routes");
  const found: RouteFile[] = [{ id: "root", file: join(root, "app", "root.tsx"), intents: [] }];
  for (const name of readdirSync(dir)) {
    if (name.startsWith(".") || /\.test\./.test(name)) continue; // remix.config.js ignoredRouteFiles
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      const entry = ["route.tsx", "route.ts", "route.jsx", "route.js", "index.tsx", "index.ts"].map((f) => join(path, f)).find(existsSync);
      if (entry) found.push({ id: `routes/${name}`, file: entry, intents: [] });
      continue;
    }
    if (!ROUTE_EXT.test(name)) continue;
    found.push({ id: `routes/${name.replace(ROUTE_EXT, "")}`, file: path, intents: [] });
  }
  for (const route of found) route.intents = intentsIn(readFileSync(route.file, "utf8"));
  return found;
}

/** The intent names a module's action distinguishes, read from its source. */
export function intentsIn(source: string): string[] {
  const action = source.indexOf("export async function action");
  if (action < 0) return [];
  // From the action to the component (or the end): the server half of the module.
  const end = source.indexOf("export default function", action);
  const body = source.slice(action, end < 0 ? undefined : end);
  const schemas = source.slice(0, action);
  const names = new Set<string>();
  for (const m of body.matchAll(/case\s+"([A-Za-z][\w-]*)"\s*:/g)) names.add(m[1]);
  for (const m of body.matchAll(/intent"\)\s*===\s*"([A-Za-z][\w-]*)"/g)) names.add(m[1]);
  for (const m of (schemas + body).matchAll(/intent:\s*z\.literal\("([A-Za-z][\w-]*)"\)/g)) names.add(m[1]);
  return [...names].sort();
}

export interface ManifestRoute {
  id: string;
  path: string;
  index: boolean;
  hasLoader: boolean;
  hasAction: boolean;
}

/**
 * The route manifest of the server build (build/index.js `routes`), read in a child process
 * so the caller does not load a second copy of the app. URLs are joined through parents.
 */
export function buildManifestRoutes(root = ROOT): ManifestRoute[] {
  const code = `
    const b = await import(${JSON.stringify(new URL(`file://${join(root, "build", "index.js")}`).href)});
    const out = Object.values(b.routes).map((r) => ({ id: r.id, parentId: r.parentId ?? null, path: r.path ?? "", index: !!r.index, hasLoader: !!r.module.loader, hasAction: !!r.module.action }));
    process.stdout.write(JSON.stringify(out));`;
  const raw = execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: root, encoding: "utf8", env: { ...process.env, DATABASE_URL: "file::memory:" } });
  const rows = JSON.parse(raw) as Array<{ id: string; parentId: string | null; path: string; index: boolean; hasLoader: boolean; hasAction: boolean }>;
  const byId = new Map(rows.map((r) => [r.id, r]));
  const fullPath = (r: (typeof rows)[number]): string => {
    const parent = r.parentId ? byId.get(r.parentId) : undefined;
    const prefix = parent ? fullPath(parent) : "";
    return [prefix, r.path].filter(Boolean).join("/").replace(/\/+/g, "/");
  };
  return rows.map((r) => ({ id: r.id, path: "/" + fullPath(r).replace(/^\//, ""), index: r.index, hasLoader: r.hasLoader, hasAction: r.hasAction }));
}
