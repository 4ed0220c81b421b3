/**
 * The server under test, in a process of its own so its memory can be measured: the
 * production app (app/server/http.server.ts createApp/listen) on 127.0.0.1 and a free port,
 * reported on stdout as `LISTENING <port>`. The parent sets DATABASE_URL, NODE_ENV=production
 * and INSECURE_COOKIES=1.
 */
import { createApp, listen } from "~/server/http.server";

// The benchmark asks for the heap breakdown (what the RSS is made of) with SIGUSR2.
process.on("SIGUSR2", () => {
  const m = process.memoryUsage();
  const mib = (n: number) => Math.round(n / 1024 / 1024);
  console.log(`MEMORY ${JSON.stringify({ rss: mib(m.rss), heapTotal: mib(m.heapTotal), heapUsed: mib(m.heapUsed), external: mib(m.external), arrayBuffers: mib(m.arrayBuffers) })}`);
});
const server = await listen(await createApp(), Number(process.env.PORT || 0), "127.0.0.1");
const address = server.address();
console.log(`LISTENING ${typeof address === "object" && address ? address.port : 0}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
    setTimeout(() => process.exit(0), 3000).unref();
  });
}
