import type { ActionFunctionArgs } from "@remix-run/node";
import { clientAddress, notFound, requireViewerFor } from "~/auth/guard.server";
import { can } from "~/domain/permissions";
import { expandZip, intakeFile, type IntakeOutcome } from "~/models/intake.server";
import { readUploadForm } from "~/models/uploads.server";
import { db } from "~/services.server";

const json = (body: { outcomes: IntakeOutcome[]; error: string | null }, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8" } });

/** One received file (or one .zip of them) per request: the intake page sends them one by one. */
export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = await requireViewerFor(request, context, "intake.receive");
  const upload = await readUploadForm(request);
  if (!upload.ok) return json({ outcomes: [], error: upload.error }, 400);
  const form = upload.form;
  const countyId = String(form.get("countyId") ?? "");
  const year = Number(form.get("year"));
  // The county comes from the form: it must be one the viewer reviews or administers.
  if (!can(viewer, "intake.receive", { countyId })) return notFound(request, context, viewer, `county:${countyId}`, "未找到该县区");
  if (!Number.isInteger(year) || year < 2000 || year > 2100) return json({ outcomes: [], error: "请选择填报年度" }, 400);
  const file = form.get("file");
  if (!file || typeof file === "string" || file.size === 0) return json({ outcomes: [], error: "请选择文件" }, 400);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const files = /\.zip$/i.test(file.name) ? await expandZip(bytes) : { ok: true as const, files: [{ name: file.name, bytes }] };
  if (!files.ok) return json({ outcomes: [], error: `${file.name}：${files.error}` }, 400);
  const actor = { userId: viewer.userId, name: viewer.displayName, address: clientAddress(context) };
  const outcomes: IntakeOutcome[] = [];
  for (const f of files.files) {
    try {
      outcomes.push(await intakeFile(db(), { countyId, year, fileName: f.name, bytes: f.bytes }, actor));
    } catch (error) {
      // One file the database cannot take (e.g. larger than MySQL's max_allowed_packet, which
      // start-up refuses unless ALLOW_NON_DURABLE) must not lose the other files' outcomes.
      console.error(`intake: ${f.name}:`, error instanceof Error ? error.message.slice(0, 300) : error);
      outcomes.push({ fileId: "", fileName: f.name, status: "refused", message: "文件未能保存到数据库，请联系系统管理员检查数据库设置（max_allowed_packet）" });
    }
  }
  return json({ outcomes, error: null });
}
