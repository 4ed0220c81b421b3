/** What the numbers were measured on: CPU, memory, load, Node, the databases. */
import { cpus, freemem, loadavg, totalmem, type as osType, release } from "node:os";
import { readFileSync } from "node:fs";
import SQLite from "better-sqlite3";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  os: string;
  node: string;
  sqlite: string;
  mariadb?: string;
  loadAverageAtStart: number[];
}

export function machineInfo(): MachineInfo {
  const sqlite = new SQLite(":memory:");
  const version = (sqlite.prepare("select sqlite_version() as v").get() as { v: string }).v;
  sqlite.close();
  let os = `${osType()} ${release()}`;
  try {
    const pretty = /PRETTY_NAME="([^"]+)"/.exec(readFileSync("/etc/os-release", "utf8"));
    if (pretty) os = `${pretty[1]} (${os})`;
  } catch {
    /* not Linux */
  }
  const gib = (n: number) => Math.round((n / 1024 ** 3) * 10) / 10;
  return {
    cpuModel: cpus()[0]?.model ?? "unknown", cores: cpus().length, memoryGiB: gib(totalmem()), freeMemoryGiB: gib(freemem()), os,
    node: process.version, sqlite: `SQLite ${version} (better-sqlite3)`, loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** CPU time (user+system, seconds) the whole machine spent outside `exclude` pids since boot: sample twice to get other load. */
export function cpuBusySeconds(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  const busy = line[0] + line[1] + line[2] + line[5] + line[6] + (line[7] ?? 0);
  return busy / 100;
}

/** CPU seconds used so far by a process (user + system), from /proc. */
export function processCpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** VmRSS and VmHWM (peak) of a process, in MiB. */
export function processMemory(pid: number): { rssMiB: number; peakMiB: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
    return { rssMiB: Math.round(kib("VmRSS") / 1024), peakMiB: Math.round(kib("VmHWM") / 1024) };
  } catch {
    return { rssMiB: 0, peakMiB: 0 };
  }
}
