/** `npm run demo`: a fresh demo database on the embedded SQLite, seeded, then the server on :3000. */
import { configOrExit } from "~/server/config.server";
import { createApp, listen } from "~/server/http.server";
import { prepareDatabaseOrExit } from "~/server/startup.server";
import { ensureBuild } from "./lib/build";
import { createDemoDatabase } from "./lib/seed";

const file = process.env.DEMO_DATABASE_FILE || "data/demo.db";
// Set before the configuration is read: the Remix build reads the same environment.
process.env.DATABASE_URL = `file:${file}`;
process.env.APP_DEMO = "1";
process.env.NODE_ENV ??= "production";
// Plain http on localhost: a Secure cookie would never come back.
process.env.INSECURE_COOKIES ??= "1";
const config = configOrExit();

ensureBuild();
console.log("正在生成演示数据…");
const seed = await createDemoDatabase(file);
await prepareDatabaseOrExit(config);

await listen(await createApp(undefined, config), config.port, config.host);
console.log(`\n绩效自评审核平台（演示）已启动：http://localhost:${config.port}\n`);
console.log(`所有演示账号的密码：${seed.password}\n`);
console.table(seed.logins.map((l) => ({ 用户名: l.username, 角色: l.role, 范围: l.scope })));
