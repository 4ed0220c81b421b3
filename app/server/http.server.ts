/**
 * The production HTTP server: security headers with a per-request CSP nonce, the Origin check
 * on every state-changing request, a body-size cap, static assets, and Remix. Started by the
 * CLIs in scripts/ (serve, demo, e2e and test servers); no route imports it, so the Remix
 * build never bundles Express.
 */
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { getConfig, type Config } from "./config.server";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function chineseError(res: express.Response, status: number, message: string) {
  res.status(status).type("text/html; charset=utf-8").send(
    `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>错误 ${status}</title><body style="font-family:sans-serif;max-width:600px;margin:3rem auto"><h1>错误 ${status}</h1><p>${message}</p><p><a href="/">返回首页</a></p></body></html>`,
  );
}

/**
 * Same origin: the Origin header (or, lacking it, the Referer) names this very host. Either
 * header is whatever the client sent: one that is not a URL is simply not this origin.
 */
export function sameOrigin(req: { get(name: string): string | undefined }): boolean {
  const claimed = req.get("origin") ?? req.get("referer");
  const host = req.get("host");
  if (!claimed || claimed === "null" || !host) return false;
  try {
    const url = new URL(claimed);
    return (url.protocol === "http:" || url.protocol === "https:") && url.host === host;
  } catch {
    return false;
  }
}

const megabytes = (bytes: number) => Number((bytes / 1024 / 1024).toFixed(2));

export async function createApp(buildPath = resolve("build/index.js"), config: Config = getConfig()) {
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  const maxBodyBytes = config.maxBodyBytes;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);

  app.use((req, res, next) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.cspNonce = nonce;
    res.set({
      "Content-Security-Policy": [
        "default-src 'self'",
        `script-src 'self' 'nonce-${nonce}'`,
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join("; "),
      "Referrer-Policy": "same-origin",
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
      "Cross-Origin-Opener-Policy": "same-origin",
    });
    next();
  });

  app.use((req, res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (!sameOrigin(req)) return chineseError(res, 403, "请求来源校验失败：请从本系统页面提交操作。");
    const length = Number(req.get("content-length") ?? 0);
    if (length > maxBodyBytes) return chineseError(res, 413, `提交的内容过大（上限 ${megabytes(maxBodyBytes)} MB）。`);
    // Chunked bodies without a length are counted as they stream.
    let seen = 0;
    req.on("data", (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBodyBytes && !res.headersSent) {
        chineseError(res, 413, "提交的内容过大。");
        req.destroy();
      }
    });
    next();
  });

  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  // public/ holds only the favicon besides the build: no file-system lookup for every page.
  app.use("/favicon.ico", express.static("public/favicon.ico", { maxAge: "1d" }));
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: config.nodeEnv === "production" ? "production" : "development",
      getLoadContext: (req, res) => ({ address: req.ip ?? req.socket.remoteAddress ?? "unknown", cspNonce: res.locals.cspNonce }),
    }),
  );
  return app;
}

/** Listens on `port` (0: any free port) and `host` (HOST); rejects when the port is taken. */
export function listen(app: express.Express, port: number, host = getConfig().host): Promise<Server> {
  return new Promise((resolveListen, reject) => {
    const server = app.listen(port, host, () => {
      server.off("error", reject);
      resolveListen(server);
    });
    server.once("error", reject);
  });
}
