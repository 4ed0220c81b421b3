/**
 * `npm run metrics:verify`: recompute every report's flags and metrics from its document and
 * report mismatches with the stored read model (exit 1 if any).
 * `npm run metrics:rebuild`: the same, writing the recomputed rows where they differ.
 */
import { createDb, DEFAULT_DATABASE_URL } from "#db/client";
import { checkMetrics } from "~/models/metricsCheck.server";

const mode = process.argv[2];
if (mode !== "verify" && mode !== "rebuild") {
  console.error("用法：tsx scripts/metrics.ts verify|rebuild");
  process.exit(2);
}
const db = createDb(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
const started = Date.now();
try {
  const { checked, mismatches } = await checkMetrics(db, {
    rebuild: mode === "rebuild",
    onProgress: (done) => process.stderr.write(`\r已检查 ${done} 份报告…`),
  });
  process.stderr.write("\n");
  for (const m of mismatches.slice(0, 50)) console.log(`不一致：${m.unitName} ${m.year}年度（报告 ${m.reportId}）${m.field}：存储值 ${m.stored}，重算值 ${m.expected}`);
  if (mismatches.length > 50) console.log(`……另有 ${mismatches.length - 50} 处`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (mode === "rebuild") console.log(`已检查 ${checked} 份报告，重建 ${new Set(mismatches.map((m) => m.reportId)).size} 份（${seconds} 秒）`);
  else console.log(`已检查 ${checked} 份报告，发现 ${mismatches.length} 处不一致（${seconds} 秒）`);
  if (mode === "verify" && mismatches.length) process.exitCode = 1;
} finally {
  await db.destroy();
}
