/**
 * The Origin check through the real production server: a Referer that is not a URL (and no
 * Origin) on a POST used to throw inside the check — a 500 for any client. It must be the
 * same 403 as any other forged request, and the server must go on serving.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuildOnce, startAppServer, type AppServer } from "../../../scripts/lib/reliability/server";
import { createTestDatabase, type TestDatabase } from "../support/db";

let database: TestDatabase;
let server: AppServer;

beforeAll(async () => {
  await ensureBuildOnce();
  database = await createTestDatabase();
  server = await startAppServer({ databaseUrl: database.url });
}, 300_000);

afterAll(async () => {
  await server?.kill("SIGTERM");
  await database?.drop();
});

/** A raw request (fetch would normalise or refuse some of these headers). */
function send(method: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: server.port, method, path, headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(method === "GET" ? undefined : "username=x&password=y");
  });
}

describe("Origin check with unparseable headers", () => {
  it.each([
    ["Referer ::::", { Referer: "::::" }],
    ["Referer http://", { Referer: "http://" }],
    ["Referer null", { Referer: "null" }],
    ["Referer a bare path", { Referer: "/login" }],
    ["Referer with spaces", { Referer: "http://a b/" }],
    ["Origin ::::", { Origin: "::::" }],
  ])("%s on a POST → 403 with the Chinese message, not 500", async (_name, headers) => {
    for (const path of ["/login", "/login.data", "/"]) {
      const res = await send("POST", path, headers);
      expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
      expect(res.body).toContain("请求来源校验失败");
    }
  });

  it("keeps serving afterwards, and a same-origin Referer alone still passes the check", async () => {
    expect((await send("GET", "/healthz", {})).status).toBe(200);
    const genuine = await send("POST", "/login", { Referer: `${server.base}/login` });
    expect(genuine.status).not.toBe(403);
    expect(genuine.status).toBeLessThan(500);
  });
});
