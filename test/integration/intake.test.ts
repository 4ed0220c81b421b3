import { readFileSync } from "node:fs";
import { zipSync, strToU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { expandZip, intakeFile, resolvePending } from "~/models/intake.server";
import { FILE_CHUNK_BYTES, readReceivedFileBytes } from "~/models/receivedFileBytes.server";
import { insertUnit } from "~/models/units.server";
import { seedDemo, type DemoSeed } from "../../scripts/lib/seed";
import { useTestDatabase, TEST_DIALECT } from "./support/db";

const t = useTestDatabase();
const reference = readFileSync("test/fixtures/luxian-trade-union-2023.txt", "utf8");
const actor = { userId: null, name: "审核员", address: "127.0.0.1" };
let seed: DemoSeed;

describe(`bulk intake (${TEST_DIALECT})`, () => {
  it("receives a file for its unit as a submitted report, errors kept, source file kept", async () => {
    seed = await seedDemo(t.db);
    const text = reference.replaceAll("泸县总工会", "泸县教育和体育局");
    const outcome = await intakeFile(t.db, { countyId: seed.luxianId, year: 2023, fileName: "教体局.txt", bytes: strToU8(text) }, actor);
    expect(outcome).toMatchObject({ status: "imported", unitName: "泸县教育和体育局" });
    const report = await t.db.selectFrom("reports").select(["status", "source", "unit_id"]).where("id", "=", outcome.reportId!).executeTakeFirstOrThrow();
    expect(report).toMatchObject({ status: "submitted", source: "intake", unit_id: seed.unitIds["泸县教育和体育局"] });
    const metrics = await t.db.selectFrom("report_metrics").select(["errors", "status"]).where("report_id", "=", outcome.reportId!).executeTakeFirstOrThrow();
    expect(Number(metrics.errors)).toBe(2);
    const file = await t.db.selectFrom("received_files").select(["report_id", "status"]).where("id", "=", outcome.fileId).executeTakeFirstOrThrow();
    expect(Buffer.from(await readReceivedFileBytes(t.db, outcome.fileId)).toString("utf8")).toBe(text);
    expect(file.report_id).toBe(outcome.reportId);
  });

  it("keeps a file of several chunks byte for byte, and an empty file as one empty chunk", async () => {
    const bytes = new Uint8Array(2 * FILE_CHUNK_BYTES + 12_345);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + (i >> 11)) & 0xff;
    const outcome = await intakeFile(t.db, { countyId: seed.luxianId, year: 2023, fileName: "乱码.txt", bytes }, actor);
    expect(outcome.status).toBe("refused");
    const chunks = await t.db.selectFrom("received_file_chunks").select("seq").where("file_id", "=", outcome.fileId).orderBy("seq").execute();
    expect(chunks.map((c) => Number(c.seq))).toEqual([0, 1, 2]);
    expect(Buffer.from(await readReceivedFileBytes(t.db, outcome.fileId)).equals(Buffer.from(bytes))).toBe(true);
    const empty = await intakeFile(t.db, { countyId: seed.luxianId, year: 2023, fileName: "空.txt", bytes: new Uint8Array() }, actor);
    expect((await readReceivedFileBytes(t.db, empty.fileId)).length).toBe(0);
  });

  it("refuses a second report for the same unit and year, and a report of another year", async () => {
    const again = await intakeFile(t.db, { countyId: seed.luxianId, year: 2023, fileName: "again.txt", bytes: strToU8(reference.replaceAll("泸县总工会", "泸县教育和体育局")) }, actor);
    expect(again).toMatchObject({ status: "refused" });
    expect(again.message).toContain("已有2023年度报告");
    const wrongYear = await intakeFile(t.db, { countyId: seed.luxianId, year: 2022, fileName: "x.txt", bytes: strToU8(reference) }, actor);
    expect(wrongYear.message).toContain("与所选的2022年度不符");
  });

  it("leaves an ambiguous name for a person to choose, then receives it", async () => {
    const [a, b] = await t.db.transaction().execute(async (trx) => [
      await insertUnit(trx, { countyId: seed.luxianId, parentId: null, code: "190001", name: "泸县第二中学", kind: "institution" }, null),
      await insertUnit(trx, { countyId: seed.luxianId, parentId: null, code: "190002", name: "泸县第二中学附属小学", kind: "institution" }, null),
    ]);
    const text = reference.replaceAll("泸县总工会", "第二中学");
    const pending = await intakeFile(t.db, { countyId: seed.luxianId, year: 2023, fileName: "二中.txt", bytes: strToU8(text) }, actor);
    expect(pending.status).toBe("pending");
    expect(pending.candidates?.map((c) => c.id).sort()).toEqual([a, b].sort());
    expect(await resolvePending(t.db, [seed.hejiangId], pending.fileId, a, actor)).toBeNull(); // another county's reviewer
    expect(await resolvePending(t.db, [seed.luxianId], pending.fileId, seed.unitIds["合江县总工会"], actor)).toBeNull(); // unit of another county
    const done = await resolvePending(t.db, [seed.luxianId], pending.fileId, a, actor);
    expect(done).toMatchObject({ status: "imported", unitName: "泸县第二中学" });
  });

  it("receives a pending file once, when two reviewers choose at the same time; report and file agree", async () => {
    const [c, d] = await t.db.transaction().execute(async (trx) => [
      await insertUnit(trx, { countyId: seed.luxianId, parentId: null, code: "190003", name: "泸县第三中学", kind: "institution" }, null),
      await insertUnit(trx, { countyId: seed.luxianId, parentId: null, code: "190004", name: "泸县第三中学附属小学", kind: "institution" }, null),
    ]);
    const pending = await intakeFile(t.db, { countyId: seed.luxianId, year: 2023, fileName: "三中.txt", bytes: strToU8(reference.replaceAll("泸县总工会", "第三中学")) }, actor);
    expect(pending.status).toBe("pending");
    const choices = await Promise.all([c, d].map((unitId) => resolvePending(t.db, [seed.luxianId], pending.fileId, unitId, actor)));
    const won = choices.filter((o) => o?.status === "imported");
    expect(won).toHaveLength(1);
    expect(choices.filter((o) => o === null)).toHaveLength(1);
    const reports = await t.db.selectFrom("reports").select("id").where("unit_id", "in", [c, d]).execute();
    expect(reports.map((r) => r.id)).toEqual([won[0]!.reportId]);
    const file = await t.db.selectFrom("received_files").select(["status", "report_id"]).where("id", "=", pending.fileId).executeTakeFirstOrThrow();
    expect(file).toEqual({ status: "imported", report_id: won[0]!.reportId });
  });

  it("refuses unreadable files with the reason, and zip bombs outright", async () => {
    const bad = await intakeFile(t.db, { countyId: seed.luxianId, year: 2023, fileName: "bad.docx", bytes: new Uint8Array(readFileSync("test/fixtures/not-a-docx.docx")) }, actor);
    expect(bad).toMatchObject({ status: "refused", message: "不是有效的 .docx 文件" });
    expect(await expandZip(new Uint8Array(readFileSync("test/fixtures/bomb.docx")))).toMatchObject({ ok: false });
    const zip = zipSync({ "reports/a.txt": strToU8("hello"), "notes.md": strToU8("x"), "__MACOSX/._a.txt": strToU8("junk") });
    const expanded = await expandZip(zip);
    expect(expanded.ok && expanded.files.map((f) => f.name)).toEqual(["a.txt"]);
  });

  it("receives a file of project forms as the unit's submitted forms, matched by 实施单位; an unknown unit waits for a reviewer's choice", async () => {
    const form = readFileSync("test/fixtures/real/01-qingshen-fagaiju-2023.txt", "utf8").split("\n").slice(1).join("\n");
    const ours = form.replaceAll("青神县发展和改革局", "泸县总工会");
    const outcome = await intakeFile(t.db, { countyId: seed.luxianId, year: 2023, fileName: "项目自评表.txt", bytes: strToU8(ours) }, actor);
    expect(outcome).toMatchObject({ status: "imported", unitName: "泸县总工会" });
    expect(outcome.message).toContain("项目自评表1份");
    const stored = await t.db.selectFrom("project_evaluations").select(["status", "project_code", "unit_id"]).where("unit_id", "=", seed.unitIds["泸县总工会"]).execute();
    expect(stored).toEqual([{ status: "submitted", project_code: "51000021R000000019951", unit_id: seed.unitIds["泸县总工会"] }]);

    const foreign = await intakeFile(t.db, { countyId: seed.luxianId, year: 2023, fileName: "青神.txt", bytes: strToU8(form) }, actor);
    expect(foreign.status).toBe("pending");
    expect(foreign.message).toContain("青神县发展和改革局");
    const chosen = await resolvePending(t.db, [seed.luxianId], foreign.fileId, seed.unitIds["泸县教育和体育局"], actor);
    expect(chosen).toMatchObject({ status: "imported", unitName: "泸县教育和体育局" });
    const theirs = await t.db.selectFrom("project_evaluations").select("status").where("unit_id", "=", seed.unitIds["泸县教育和体育局"]).execute();
    expect(theirs).toEqual([{ status: "submitted" }]);

    const wrongYear = await intakeFile(t.db, { countyId: seed.luxianId, year: 2022, fileName: "项目.txt", bytes: strToU8(ours) }, actor);
    expect(wrongYear).toMatchObject({ status: "refused" });
    expect(wrongYear.message).toContain("与所选的2022年度不符");
  });
});
