/**
 * `npm run create-admin -- --username NAME --county-code CODE --county-name NAME [--name 显示名]`
 * Creates the first administrator (and their county, if new) on an empty production database.
 * The password is read from ADMIN_PASSWORD or asked for on the terminal (never a flag: flags
 * end up in shell history).
 */
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { createDb, DEFAULT_DATABASE_URL } from "#db/client";
import { migrateToLatest } from "#db/migrate";
import { createAccount } from "~/auth/accounts.server";
import { insertCounty } from "~/models/units.server";

const { values } = parseArgs({
  options: { username: { type: "string" }, name: { type: "string" }, "county-code": { type: "string" }, "county-name": { type: "string" } },
});
const username = values.username;
const countyCode = values["county-code"];
if (!username || !countyCode) {
  console.error("用法：npm run create-admin -- --username admin --county-code 510521 --county-name 泸县 [--name 管理员]");
  process.exit(2);
}

async function readPassword(): Promise<string> {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const password = await rl.question("请输入管理员密码（至少12个字符）：");
  rl.close();
  return password;
}

const db = createDb(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
try {
  await migrateToLatest(db);
  let county = await db.selectFrom("counties").select(["id", "name"]).where("code", "=", countyCode).executeTakeFirst();
  if (!county) {
    if (!values["county-name"]) throw new Error(`县区编码 ${countyCode} 不存在；新建县区时请同时给出 --county-name`);
    const name = values["county-name"];
    const id = await db.transaction().execute((trx) => insertCounty(trx, { code: countyCode, name }, null));
    county = { id, name };
    console.log(`已创建县区：${name}（${countyCode}）`);
  }
  const result = await createAccount(db, { username, displayName: values.name ?? "系统管理员", password: await readPassword(), grants: [{ role: "admin", countyId: county.id, unitId: null }] }, null);
  if (!result.ok) throw new Error(Object.values(result.errors).join("；"));
  console.log(`已创建管理员 ${username}（${county.name}）`);
} catch (error) {
  console.error(`创建失败：${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
