// Boots a TypeScript worker thread: tsx's loader is not inherited by workers on Node 20.
import { register } from "tsx/esm/api";
import { workerData } from "node:worker_threads";

register({ tsconfig: "./tsconfig.json" });
await import(workerData.entry);
