/** `npm run audit:verify`: walks the audit hash chain and names the first broken entry. */
import { createDb, DEFAULT_DATABASE_URL } from "#db/client";
import { verifyAuditChain } from "~/models/audit.server";

const db = createDb(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
try {
  const verdict = await verifyAuditChain(db);
  if (verdict.ok) {
    console.log(`审计日志完整：${verdict.entries} 条记录，哈希链校验通过`);
  } else {
    console.error(`审计日志校验失败：第 ${verdict.brokenSeq} 条${verdict.brokenId ? `（id ${verdict.brokenId}）` : ""}：${verdict.reason}（此前 ${verdict.entries} 条完好）`);
    process.exitCode = 1;
  }
} finally {
  await db.destroy();
}
