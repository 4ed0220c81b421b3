/**
 * Bulk intake: the bureau receives report files (one by one or in a .zip), each is read,
 * matched to its unit by name, and stored as a received (submitted) report with its flags —
 * errors included, for the reviewers — and its source file kept. A file whose unit is not
 * clear waits for a reviewer's choice; one that cannot be read is refused with the reason.
 */
import type { Kysely } from "kysely";
import { fromJson, newId, now, toJson, toNumber } from "#db/codecs";
import type { Database } from "#db/schema";
import type { ExpandResult } from "~/domain/import/archive";
import type { ProjectEvaluation } from "~/domain/projectEvaluation";
import { emptyReport, type ReportDocument } from "~/domain/report";
import { matchUnit } from "~/domain/unitMatch";
import { expandZipUntrusted, readReportUntrusted } from "~/server/convertPool.server";
import { writeReceivedFileBytes } from "./receivedFileBytes.server";
import { receiveProjectForms } from "./projects.server";
import { insertReport, InvalidReportError, lockCounty } from "./reportWrites.server";
import type { Actor } from "./users.server";

export { MAX_FILES_PER_ZIP, REPORT_FILE, type ExpandResult } from "~/domain/import/archive";

/** The report files inside a .zip, after the same bomb checks as any upload; expanded in a convert worker. */
export function expandZip(bytes: Uint8Array): Promise<ExpandResult> {
  return expandZipUntrusted(bytes);
}

export interface IntakeOutcome {
  fileId: string;
  fileName: string;
  status: "imported" | "pending" | "refused";
  message: string;
  unitName?: string;
  reportId?: string;
  candidates?: Array<{ id: string; name: string }>;
}

async function countyUnits(db: Kysely<Database>, countyId: string) {
  return db.selectFrom("units").select(["id", "name", "kind"]).where("county_id", "=", countyId).orderBy("code").execute();
}

/** Stores a received file with its outcome and its bytes, in one transaction. */
async function keepFile(db: Kysely<Database>, input: { countyId: string; year: number; fileName: string; bytes: Uint8Array }, fields: { status: string; message: string; document?: ReportDocument | null; unitName?: string | null; reportId?: string | null }, actor: Actor) {
  const id = newId();
  const write = async (trx: Kysely<Database>) => {
    await trx.insertInto("received_files").values({
      id, county_id: input.countyId, year: input.year, file_name: input.fileName.slice(0, 255), size: input.bytes.length,
      document: fields.document ? toJson(fields.document) : null, extracted_unit_name: fields.unitName?.slice(0, 200) ?? null, status: fields.status,
      message: fields.message.slice(0, 500), report_id: fields.reportId ?? null, created_by: actor.userId, created_at: now(),
    }).execute();
    await writeReceivedFileBytes(trx, id, input.bytes);
  };
  if (db.isTransaction) await write(db);
  else await db.transaction().execute(write);
  return id;
}

/** Reads, matches and stores one received file. `countyId` must already be checked against the viewer's scope. */
export async function intakeFile(db: Kysely<Database>, input: { countyId: string; year: number; fileName: string; bytes: Uint8Array }, actor: Actor): Promise<IntakeOutcome> {
  const base = { fileName: input.fileName };
  const read = await readReportUntrusted(input.fileName, input.bytes);
  if (read.ok && read.projects?.length) return intakeProjectForms(db, input, read.projects.map((p) => p.evaluation), actor);
  const parsed = read.ok ? read.result : null;
  if (!read.ok || !parsed?.ok) {
    const message = read.ok ? parsed?.error ?? "未能识别报告内容" : read.error;
    const fileId = await keepFile(db, input, { status: "refused", message }, actor);
    return { ...base, fileId, status: "refused", message };
  }
  const document = parsed.document;
  if (document.year != null && document.year !== input.year) {
    const message = `报告年度为${document.year}年，与所选的${input.year}年度不符`;
    const fileId = await keepFile(db, input, { status: "refused", message, document, unitName: document.unit.name }, actor);
    return { ...base, fileId, status: "refused", message };
  }
  const units = await countyUnits(db, input.countyId);
  const match = matchUnit([document.unit.name, input.fileName.replace(/\.[^.]+$/, "")], units);
  if (match.kind !== "matched") {
    const message = match.kind === "ambiguous" ? `单位名称“${document.unit.name}”对应多个单位，请选择` : `未找到名为“${document.unit.name || input.fileName}”的单位，请选择`;
    const fileId = await keepFile(db, input, { status: "pending", message, document, unitName: document.unit.name }, actor);
    return { ...base, fileId, status: "pending", message, candidates: match.kind === "ambiguous" ? match.candidates : units.map((u) => ({ id: u.id, name: u.name })) };
  }
  const unit = units.find((u) => u.id === match.unit.id)!;
  return (await finish(db, input, document, unit, actor, match.how === "partial" ? `按名称“${document.unit.name}”匹配` : ""))!;
}

/**
 * Stores the document as the unit's received report, unless the unit already has one for the
 * year, and the file with the outcome — in one transaction, so a crash never leaves a received
 * report without its source file. `pendingFileId`: the waiting file a reviewer chose a unit
 * for; null when another choice settled it first (checked under the county's lock).
 */
async function finish(db: Kysely<Database>, input: { countyId: string; year: number; fileName: string; bytes: Uint8Array }, document: ReportDocument, unit: { id: string; name: string; kind: string }, actor: Actor, note: string, pendingFileId?: string): Promise<IntakeOutcome | null> {
  return db.transaction().execute(async (trx) => {
    await lockCounty(trx, input.countyId);
    if (pendingFileId) {
      const pending = await trx.selectFrom("received_files").select("id").where("id", "=", pendingFileId).where("status", "=", "pending").executeTakeFirst();
      if (!pending) return null;
    }
    let reportId: string | null = null;
    let invalid: string | null = null;
    try {
      reportId = await insertReport(trx, {
        countyId: input.countyId, unit, year: input.year, document: { ...document, unit: { ...document.unit, name: unit.name }, year: input.year }, status: "submitted", source: "intake", sourceFileName: input.fileName,
      }, actor);
    } catch (error) {
      // A document outside the limits (a file left pending before they existed): refused, nothing written.
      if (!(error instanceof InvalidReportError)) throw error;
      invalid = `报告内容无效：${error.message}`;
    }
    const status = reportId ? "imported" : "refused";
    const message = reportId ? `已接收为${unit.name}的报告${note ? `（${note}）` : ""}` : invalid ?? `${unit.name}已有${input.year}年度报告，未重复导入`;
    let fileId = pendingFileId;
    if (fileId) await trx.updateTable("received_files").set({ status, message, report_id: reportId }).where("id", "=", fileId).execute();
    else fileId = await keepFile(trx, input, { status, message, document, unitName: document.unit.name, reportId }, actor);
    return { fileId, fileName: input.fileName, status, message, unitName: unit.name, reportId: reportId ?? undefined };
  });
}

/** What a pending file of project forms keeps in received_files.document until a reviewer picks the unit. */
interface PendingProjectForms {
  projectForms: ProjectEvaluation[];
}
const isPendingProjectForms = (value: unknown): value is PendingProjectForms => Array.isArray((value as PendingProjectForms | null)?.projectForms);

/**
 * A file of project self-evaluation forms (项目支出绩效自评表): matched to its unit by the forms'
 * 实施单位 / 主管部门 (or the file name) and stored as that unit-year's submitted forms, each
 * matched to an existing project by its code; a form of another year is refused.
 */
async function intakeProjectForms(db: Kysely<Database>, input: { countyId: string; year: number; fileName: string; bytes: Uint8Array }, forms: ProjectEvaluation[], actor: Actor): Promise<IntakeOutcome> {
  const base = { fileName: input.fileName };
  const otherYear = forms.find((f) => f.year !== null && f.year !== input.year);
  if (otherYear) {
    const message = `项目自评表“${otherYear.project.name}”的年度为${otherYear.year}年，与所选的${input.year}年度不符`;
    const fileId = await keepFile(db, input, { status: "refused", message }, actor);
    return { ...base, fileId, status: "refused", message };
  }
  const units = await countyUnits(db, input.countyId);
  const stated = forms.flatMap((f) => [f.unit.name, f.department?.replace(/^[0-9A-Za-z]+[-－—]/, "").replace(/本级$/, "")]);
  const match = matchUnit([...stated, input.fileName.replace(/\.[^.]+$/, "")], units);
  const unitName = forms[0].unit.name || forms[0].department || "";
  if (match.kind !== "matched") {
    const message = `${forms.length}份项目自评表的实施单位“${unitName}”${match.kind === "ambiguous" ? "对应多个单位" : "未找到"}，请选择`;
    const fileId = await keepFile(db, input, { status: "pending", message, document: { projectForms: forms } as unknown as ReportDocument, unitName }, actor);
    return { ...base, fileId, status: "pending", message, candidates: match.kind === "ambiguous" ? match.candidates : units.map((u) => ({ id: u.id, name: u.name })) };
  }
  const unit = units.find((u) => u.id === match.unit.id)!;
  return (await finishProjectForms(db, input, forms, unit, actor))!;
}

async function finishProjectForms(db: Kysely<Database>, input: { countyId: string; year: number; fileName: string; bytes: Uint8Array }, forms: ProjectEvaluation[], unit: { id: string; name: string }, actor: Actor, pendingFileId?: string): Promise<IntakeOutcome | null> {
  return db.transaction().execute(async (trx) => {
    await lockCounty(trx, input.countyId);
    if (pendingFileId) {
      const pending = await trx.selectFrom("received_files").select("id").where("id", "=", pendingFileId).where("status", "=", "pending").executeTakeFirst();
      if (!pending) return null;
    }
    const received = await receiveProjectForms(trx, { countyId: input.countyId, unit, year: input.year, forms, fileName: input.fileName }, actor);
    const stored = received.filter((r) => r.projectId !== null).length;
    const refused = received.flatMap((r) => (r.projectId === null ? [`“${r.name || `第${r.index + 1}份`}”：${r.message}`] : []));
    const status = stored > 0 ? "imported" : "refused";
    const message = `${stored > 0 ? `已接收为${unit.name}的项目自评表${stored}份` : `未接收${unit.name}的项目自评表`}${refused.length ? `；未接收${refused.length}份：${refused.join("；")}` : ""}`;
    let fileId = pendingFileId;
    if (fileId) await trx.updateTable("received_files").set({ status, message: message.slice(0, 500) }).where("id", "=", fileId).execute();
    else fileId = await keepFile(trx, input, { status, message, unitName: unit.name }, actor);
    return { fileId, fileName: input.fileName, status, message: message.slice(0, 500), unitName: unit.name };
  });
}

/** A reviewer's choice of unit for a pending file. Scope: the file and the unit must lie in `countyIds`. */
export async function resolvePending(db: Kysely<Database>, countyIds: string[], fileId: string, unitId: string, actor: Actor): Promise<IntakeOutcome | null> {
  if (!countyIds.length) return null;
  const file = await db.selectFrom("received_files").select(["id", "county_id", "year", "file_name", "document"]).where("id", "=", fileId).where("county_id", "in", countyIds).where("status", "=", "pending").executeTakeFirst();
  if (!file) return null;
  const unit = await db.selectFrom("units").select(["id", "name", "kind"]).where("id", "=", unitId).where("county_id", "=", file.county_id).executeTakeFirst();
  if (!unit) return null;
  const stored = fromJson<unknown>(file.document, null);
  if (isPendingProjectForms(stored)) return finishProjectForms(db, { countyId: file.county_id, year: Number(file.year), fileName: file.file_name, bytes: new Uint8Array() }, stored.projectForms, unit, actor, file.id);
  const document = fromJson<ReportDocument>(file.document, emptyReport());
  return finish(db, { countyId: file.county_id, year: Number(file.year), fileName: file.file_name, bytes: new Uint8Array() }, document, unit, actor, "人工选择单位", file.id);
}

export async function listReceivedFiles(db: Kysely<Database>, countyIds: string[], year: number) {
  if (!countyIds.length) return [];
  const rows = await db
    .selectFrom("received_files")
    .select(["id", "county_id", "file_name", "size", "status", "message", "report_id", "extracted_unit_name", "created_at"])
    .where("county_id", "in", countyIds)
    .where("year", "=", year)
    .orderBy("created_at", "desc")
    .limit(500)
    .execute();
  return rows.map((r) => ({ id: r.id, countyId: r.county_id, fileName: r.file_name, size: Number(r.size), status: r.status, message: r.message, reportId: r.report_id, unitName: r.extracted_unit_name, createdAt: toNumber(r.created_at) }));
}
