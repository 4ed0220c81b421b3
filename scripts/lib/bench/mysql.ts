/**
 * The benchmark's MySQL: a private throwaway MariaDB (scripts/lib/mariadb.ts) with its
 * InnoDB buffer pool grown to 1 GB (`--innodb-buffer-pool-size=1G`, set online with SET
 * GLOBAL: the starter's 64 MB suits tests, not a 2 GB data set).
 */
import { createConnection } from "mysql2/promise";
import { startPrivateMariaDb, type PrivateMariaDb } from "../mariadb";

export const BENCH_BUFFER_POOL_BYTES = 1024 * 1024 * 1024;

export async function startBenchMariaDb(log: (line: string) => void = (l) => console.error(l)): Promise<PrivateMariaDb & { bufferPoolBytes: number }> {
  const server = await startPrivateMariaDb({ log });
  try {
    const conn = await createConnection({ uri: server.url });
    try {
      await conn.query(`SET GLOBAL innodb_buffer_pool_size = ${BENCH_BUFFER_POOL_BYTES}`);
      // Resizing runs in the background, in chunks: wait until it took effect.
      let size = 0;
      for (let i = 0; i < 100; i++) {
        const [rows] = await conn.query("SELECT @@GLOBAL.innodb_buffer_pool_size AS s");
        size = Number((rows as Array<{ s: number | string }>)[0].s);
        const [status] = await conn.query("SHOW STATUS LIKE 'Innodb_buffer_pool_resize_status'");
        const text = String((status as Array<{ Value: string }>)[0]?.Value ?? "");
        if (size >= BENCH_BUFFER_POOL_BYTES && !/resizing|started|withdraw|allocat/i.test(text)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      return { ...server, bufferPoolBytes: size };
    } finally {
      await conn.end();
    }
  } catch (e) {
    await server.stop();
    throw e;
  }
}

/** `mysql://root@127.0.0.1:PORT` + a database name. */
export const databaseUrl = (serverUrl: string, name: string) => `${serverUrl.replace(/\/$/, "")}/${name}`;
