/**
 * The convert worker: a child process of the web server (forked by ./convertPool.server.ts)
 * that reads untrusted files, one at a time, and answers over IPC. It holds nothing but the
 * file in hand, so the pool may SIGKILL it at any moment (time or memory limit) and start a
 * fresh one. Production runs the bundle build/convert-worker.js (see scripts/lib/build.ts);
 * from TypeScript source the pool runs this file under tsx.
 */
import { expandReportZip, type ExpandResult } from "../domain/import/archive";
import { convertUpload, type ConvertResult } from "../domain/import/file";
import { readReport, type ReadResult } from "../domain/import/read";

export type WorkerRequest =
  | { id: number; kind: "convert"; fileName: string; bytes: Uint8Array }
  | { id: number; kind: "read"; fileName: string; bytes: Uint8Array }
  | { id: number; kind: "expandZip"; bytes: Uint8Array };

export type WorkerMessage =
  | { type: "ready" }
  | { type: "result"; id: number; result: ConvertResult | ReadResult | ExpandResult; heapUsed: number };

function isRequest(message: unknown): message is WorkerRequest {
  const m = message as Partial<WorkerRequest> | null;
  return (
    !!m && typeof m.id === "number" && m.bytes instanceof Uint8Array &&
    (m.kind === "expandZip" || ((m.kind === "convert" || m.kind === "read") && typeof (m as { fileName?: unknown }).fileName === "string"))
  );
}

async function handle(request: WorkerRequest): Promise<ConvertResult | ReadResult | ExpandResult> {
  try {
    switch (request.kind) {
      case "convert":
        return await convertUpload(request.fileName, request.bytes);
      case "read":
        return await readReport(request.fileName, request.bytes);
      case "expandZip":
        return expandReportZip(request.bytes);
    }
  } catch {
    return { ok: false, error: "文件无法读取" }; // both promise never to throw; belt and braces
  }
}

const send = (message: WorkerMessage) => {
  if (process.connected) process.send!(message);
};

if (!process.send) {
  console.error("convertWorker：只能由转换进程池以 IPC 方式启动");
  process.exit(2);
}

// The pool closed the channel (recycling this worker, or the web server is gone): leave.
process.on("disconnect", () => process.exit(0));
process.on("message", (message: unknown) => {
  if (!isRequest(message)) return;
  void handle(message).then((result) => send({ type: "result", id: message.id, result, heapUsed: process.memoryUsage().heapUsed }));
});
send({ type: "ready" });
