/**
 * The demo county: 泸县 with 泸县总工会 and 40 other budget units, a second county (合江县)
 * to show isolation, and an account for every role. Used by `npm run demo`, the end-to-end
 * server and the integration tests, so what the tests exercise is what the demo shows.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { createAccount } from "~/auth/accounts.server";
import type { MembershipGrant } from "~/domain/permissions";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { checkReport } from "~/domain/rules";
import { explanationKey } from "~/domain/metrics";
import type { ReportDocument } from "~/domain/report";
import type { ReportStatus } from "~/domain/workflow";
import { insertCampaign } from "~/models/campaigns.server";
import { insertReport } from "~/models/reportWrites.server";
import { deadlineOf, seededRandom, syntheticReport } from "./synthetic";
import { insertCounty, insertUnit } from "~/models/units.server";

export const DEMO_PASSWORD = "jixiao-demo-2023";

const LUXIAN_UNITS: Array<[code: string, name: string, kind: string]> = [
  ["101001", "泸县总工会", "group"],
  ["101002", "共青团泸县委员会", "group"],
  ["101003", "泸县妇女联合会", "group"],
  ["101004", "泸县科学技术协会", "group"],
  ["101005", "泸县残疾人联合会", "group"],
  ["102001", "泸县人民政府办公室", "department"],
  ["102002", "泸县发展和改革局", "department"],
  ["102003", "泸县教育和体育局", "department"],
  ["102004", "泸县科学技术和经济信息化局", "department"],
  ["102005", "泸县公安局", "department"],
  ["102006", "泸县民政局", "department"],
  ["102007", "泸县司法局", "department"],
  ["102008", "泸县财政局", "department"],
  ["102009", "泸县人力资源和社会保障局", "department"],
  ["102010", "泸县自然资源和规划局", "department"],
  ["102011", "泸县生态环境局", "department"],
  ["102012", "泸县住房和城乡建设局", "department"],
  ["102013", "泸县交通运输局", "department"],
  ["102014", "泸县水务局", "department"],
  ["102015", "泸县农业农村局", "department"],
  ["102016", "泸县商务局", "department"],
  ["102017", "泸县文化广播电视和旅游局", "department"],
  ["102018", "泸县卫生健康局", "department"],
  ["102019", "泸县退役军人事务局", "department"],
  ["102020", "泸县应急管理局", "department"],
  ["102021", "泸县审计局", "department"],
  ["102022", "泸县市场监督管理局", "department"],
  ["102023", "泸县统计局", "department"],
  ["102024", "泸县医疗保障局", "department"],
  ["102025", "泸县林业局", "department"],
  ["103001", "泸县人民医院", "institution"],
  ["103002", "泸县中医医院", "institution"],
  ["103003", "泸县第一中学", "institution"],
  ["103004", "泸县疾病预防控制中心", "institution"],
  ["103005", "泸县图书馆", "institution"],
  ["104001", "玉蟾街道办事处", "township"],
  ["104002", "福集镇人民政府", "township"],
  ["104003", "嘉明镇人民政府", "township"],
  ["104004", "云锦镇人民政府", "township"],
  ["104005", "立石镇人民政府", "township"],
  ["104006", "方洞镇人民政府", "township"],
];

const HEJIANG_UNITS: Array<[string, string, string]> = [
  ["201001", "合江县总工会", "group"],
  ["202001", "合江县教育和体育局", "department"],
  ["202002", "合江县农业农村局", "department"],
  ["202003", "合江县卫生健康局", "department"],
  ["202004", "合江县交通运输局", "department"],
  ["204001", "合江镇人民政府", "township"],
];

export interface DemoLogin {
  username: string;
  role: string;
  scope: string;
}

export interface DemoSeed {
  luxianId: string;
  hejiangId: string;
  unitIds: Record<string, string>;
  logins: DemoLogin[];
  password: string;
}

export async function seedDemo(db: Kysely<Database>): Promise<DemoSeed> {
  const unitIds: Record<string, string> = {};
  const { luxianId, hejiangId } = await db.transaction().execute(async (trx) => {
    const luxianId = await insertCounty(trx, { code: "510521", name: "泸县", isDemo: true }, null);
    const hejiangId = await insertCounty(trx, { code: "510522", name: "合江县", isDemo: true }, null);
    for (const [countyId, units] of [[luxianId, LUXIAN_UNITS], [hejiangId, HEJIANG_UNITS]] as const) {
      for (const [code, name, kind] of units) {
        unitIds[name] = await insertUnit(trx, { countyId, parentId: null, code, name, kind, isDemo: true }, null);
      }
    }
    // 泸县群团工作中心 is the trade union's second-level unit (二级单位), as in its report.
    unitIds["泸县群团工作中心"] = await insertUnit(
      trx,
      { countyId: luxianId, parentId: unitIds["泸县总工会"], code: "101001-01", name: "泸县群团工作中心", kind: "institution", isDemo: true },
      null,
    );
    for (const countyId of [luxianId, hejiangId]) {
      for (const year of [2022, 2023, 2024]) {
        await insertCampaign(trx, { countyId, year, deadline: deadlineOf(year) }, null);
      }
    }
    return { luxianId, hejiangId };
  });

  const accounts: Array<{ username: string; displayName: string; grants: MembershipGrant[]; role: string; scope: string }> = [
    { username: "luxian_admin", displayName: "王管理", role: "系统管理员", scope: "泸县", grants: [{ role: "admin", countyId: luxianId, unitId: null }] },
    { username: "luxian_reviewer", displayName: "李审核", role: "财政局审核人员", scope: "泸县", grants: [{ role: "reviewer", countyId: luxianId, unitId: null }] },
    { username: "luxian_leader", displayName: "赵局长", role: "局领导", scope: "泸县", grants: [{ role: "leader", countyId: luxianId, unitId: null }] },
    { username: "zonggonghui", displayName: "张填报", role: "单位填报人员", scope: "泸县总工会", grants: [{ role: "staff", countyId: luxianId, unitId: unitIds["泸县总工会"] }] },
    { username: "jiaotiju", displayName: "陈填报", role: "单位填报人员", scope: "泸县教育和体育局", grants: [{ role: "staff", countyId: luxianId, unitId: unitIds["泸县教育和体育局"] }] },
    { username: "hejiang_reviewer", displayName: "周审核", role: "财政局审核人员", scope: "合江县", grants: [{ role: "reviewer", countyId: hejiangId, unitId: null }] },
    { username: "hejiang_staff", displayName: "吴填报", role: "单位填报人员", scope: "合江县总工会", grants: [{ role: "staff", countyId: hejiangId, unitId: unitIds["合江县总工会"] }] },
    {
      username: "city_leader", displayName: "孙市局", role: "局领导（市级，两县）", scope: "泸县、合江县",
      grants: [{ role: "leader", countyId: luxianId, unitId: null }, { role: "leader", countyId: hejiangId, unitId: null }],
    },
  ];
  for (const account of accounts) {
    const result = await createAccount(db, { ...account, password: DEMO_PASSWORD }, null);
    if (!result.ok) throw new Error(`演示账号 ${account.username} 创建失败：${JSON.stringify(result.errors)}`);
  }
  await seedDemoReports(db);
  return {
    luxianId, hejiangId, unitIds, password: DEMO_PASSWORD,
    logins: accounts.map((a) => ({ username: a.username, role: a.role, scope: a.scope })),
  };
}

/** A fresh SQLite demo database at `file` (replacing any), migrated and seeded. */
export async function createDemoDatabase(file: string): Promise<DemoSeed> {
  const { rmSync } = await import("node:fs");
  const { createDb } = await import("#db/client");
  const { migrateToLatest } = await import("#db/migrate");
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  const db = createDb(`file:${file}`);
  try {
    await migrateToLatest(db);
    return await seedDemo(db);
  } finally {
    await db.destroy();
  }
}

/** The reference report (泸县总工会 2023) as its interchange document. */
export function referenceDocument(): ReportDocument {
  const path = fileURLToPath(new URL("../../test/fixtures/luxian-trade-union-2023.expected.json", import.meta.url));
  const { expectedFlags: _e, mustNotFlag: _m, ...document } = JSON.parse(readFileSync(path, "utf8"));
  return document as ReportDocument;
}

/** Units left as empty drafts so a visitor (and the browser tests) can fill them in. */
const OPEN_FOR_STAFF = new Set(["泸县教育和体育局", "合江县总工会"]);

/**
 * Reports for 2022 and 2023 in every status: 2022 mostly approved; 2023 a realistic mix a
 * few weeks after the deadline. 泸县总工会 2023 is the real published report, as a draft
 * whose problems the demo clerk can see and fix.
 */
async function seedDemoReports(db: Kysely<Database>) {
  const rnd = seededRandom(2023);
  const units = await db.selectFrom("units").select(["id", "name", "kind", "county_id"]).orderBy("code").execute();
  const reviewer = { userId: null, name: "演示数据" };
  await db.transaction().execute(async (trx) => {
    for (const unit of units) {
      for (const year of [2022, 2023]) {
        if (OPEN_FOR_STAFF.has(unit.name) && year === 2023) continue;
        const isReference = unit.name === "泸县总工会" && year === 2023;
        const status: ReportStatus = isReference ? "draft" : year === 2022 ? (rnd() < 0.9 ? "approved" : "submitted") : pickStatus(rnd());
        const document = isReference ? referenceDocument() : syntheticReport({ unitName: unit.name, year, rnd }).document;
        // Submitted reports carry the unit's explanations of their warnings, as the workflow demands.
        const explanations: Record<string, string> = {};
        const flags = checkReport(document);
        if (status !== "draft") for (const flag of flags) if (flag.severity === "warning") explanations[explanationKey(flag)] = "（演示）已核实，情况属实。";
        // A unit cannot submit over errors: such reports reached the bureau as received files.
        const received = status !== "draft" && flags.some((f) => f.severity === "error");
        const deadline = deadlineOf(year);
        const submittedAt = deadline - 40 * 86_400_000 + Math.floor(rnd() * 50 * 86_400_000);
        await insertReport(trx, {
          countyId: unit.county_id, unit: { id: unit.id, name: unit.name, kind: unit.kind }, year, document, explanations, status,
          source: isReference ? "import" : received ? "intake" : "demo", submittedAt: status === "draft" ? undefined : submittedAt, isDemo: true,
          reviewNote: status === "returned" ? "请核对支出明细与绩效指标得分，补充偏离度原因说明后重新提交。" : null,
        }, reviewer);
      }
    }
  });
}

function pickStatus(r: number): ReportStatus {
  if (r < 0.15) return "draft";
  if (r < 0.6) return "submitted";
  if (r < 0.7) return "returned";
  return "approved";
}
