/** Worker thread of `npm run generate`: produces prepared batches, at most two ahead of the writer. */
import { parentPort, workerData } from "node:worker_threads";
import { planProvince, type ProvinceOptions } from "./dataset";
import { produceBatches } from "./producer";

const { options, countiesPerBatch } = workerData as { options: ProvinceOptions; countiesPerBatch: number };
const port = parentPort!;
let inFlight = 0;
let wake: (() => void) | null = null;
port.on("message", () => {
  inFlight--;
  wake?.();
  wake = null;
});
for (const produced of produceBatches(planProvince(options), countiesPerBatch)) {
  while (inFlight >= 2) await new Promise<void>((resolve) => (wake = resolve));
  inFlight++;
  port.postMessage(produced);
}
port.postMessage(null);
