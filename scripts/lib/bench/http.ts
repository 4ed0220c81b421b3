/**
 * A small loopback HTTP client for the benchmark: keep-alive, cookies as strings, the Origin
 * header on every non-GET (the server refuses state-changing requests without it), the
 * response body read in full and the wall time of each request.
 */
import { Agent, request as httpRequest } from "node:http";

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

export class Client {
  readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  constructor(readonly origin: string) {}

  request(method: string, path: string, options: { cookie?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<HttpResponse> {
    const url = new URL(path, this.origin);
    const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
    const headers: Record<string, string> = { ...options.headers };
    if (options.cookie) headers.cookie = options.cookie;
    if (method !== "GET") headers.origin = this.origin;
    if (body !== undefined) {
      headers["content-type"] = "application/x-www-form-urlencoded;charset=UTF-8";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = httpRequest(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), ms: performance.now() - started }));
        res.on("error", reject);
      });
      req.on("error", reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  get(path: string, cookie?: string) {
    return this.request("GET", path, { cookie });
  }

  post(path: string, form: Record<string, string>, cookie?: string) {
    return this.request("POST", path, { cookie, form });
  }

  /** POST /login → the `jx_session=…` cookie (throws on anything but the redirect home). */
  async login(username: string, password: string): Promise<{ cookie: string; ms: number }> {
    const res = await this.post("/login", { username, password });
    const setCookie = ([] as string[]).concat(res.headers["set-cookie"] ?? []);
    const session = setCookie.map((c) => c.split(";")[0]).find((c) => c.startsWith("jx_session=") && c.length > "jx_session=".length);
    if (res.status !== 302 || !session) throw new Error(`login ${username} failed: HTTP ${res.status} ${res.body.slice(0, 200)}`);
    return { cookie: session, ms: res.ms };
  }

  close() {
    this.agent.destroy();
  }
}

/** The href of the queue's 下一页 link, unescaped, or null on the last page. */
export function nextPageHref(html: string): string | null {
  const m = /<a [^>]*href="([^"]+)"[^>]*>下一页/.exec(html);
  return m ? m[1].replace(/&amp;/g, "&") : null;
}
