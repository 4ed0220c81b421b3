/** `npm run demo`: a fresh demo database on the embedded SQLite, seeded, then the server on :3000. */
import { ensureBuild } from "./lib/build";
import { createDemoDatabase } from "./lib/seed";
import { createApp, listen } from "./lib/server";

const file = process.env.DEMO_DATABASE_FILE || "data/demo.db";
process.env.DATABASE_URL = `file:${file}`;
process.env.APP_DEMO = "1";
process.env.NODE_ENV ??= "production";
// Plain http on localhost: a Secure cookie would never come back.
process.env.INSECURE_COOKIES ??= "1";

ensureBuild();
console.log("正在生成演示数据…");
const seed = await createDemoDatabase(file);

const port = Number(process.env.PORT || 3000);
await listen(await createApp(), port);
console.log(`\n绩效自评审核平台（演示）已启动：http://localhost:${port}\n`);
console.log(`所有演示账号的密码：${seed.password}\n`);
console.table(seed.logins.map((l) => ({ 用户名: l.username, 角色: l.role, 范围: l.scope })));
