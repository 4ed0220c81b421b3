/**
 * The figures the security and reliability tests produce: each test file writes one JSON
 * file per dialect under .tmp/reliability/, and `npm run reliability` prints them as one table.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../..", import.meta.url)).replace(/\/$/, "");
export const FIGURES_DIR = join(ROOT, ".tmp", "reliability");

export interface Figure {
  /** Short label, Chinese or English, as it will appear in the table. */
  label: string;
  value: number | string;
  /** What the value must be (e.g. 0), printed beside it; omitted for plain counts. */
  must?: string;
  /** True when the value meets `must` (the test asserts it too). */
  ok?: boolean;
}

export interface FigureFile {
  suite: string;
  dialect: string;
  at: string;
  durationMs: number;
  figures: Figure[];
  notes: string[];
}

/** Collects figures during a test file and writes them at the end (call `write()` in afterAll). */
export class FigureRecorder {
  private readonly figures: Figure[] = [];
  private readonly notes: string[] = [];
  private readonly t0 = Date.now();

  constructor(readonly suite: string, readonly dialect: string) {}

  add(label: string, value: number | string, must?: { equals?: number; atMost?: number; atLeast?: number; text?: string; ok?: boolean }): void {
    let ok: boolean | undefined;
    let mustText: string | undefined;
    if (must?.equals !== undefined) {
      ok = value === must.equals;
      mustText = `= ${must.equals}`;
    } else if (must?.atMost !== undefined) {
      ok = typeof value === "number" && value <= must.atMost;
      mustText = `≤ ${must.atMost}`;
    } else if (must?.atLeast !== undefined) {
      ok = typeof value === "number" && value >= must.atLeast;
      mustText = `≥ ${must.atLeast}`;
    }
    if (must?.text) mustText = must.text;
    if (must?.ok !== undefined) ok = must.ok;
    const existing = this.figures.findIndex((f) => f.label === label);
    const figure = { label, value, must: mustText, ok };
    if (existing >= 0) this.figures[existing] = figure;
    else this.figures.push(figure);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  write(): string {
    mkdirSync(FIGURES_DIR, { recursive: true });
    const file = join(FIGURES_DIR, `${this.suite}-${this.dialect}.json`);
    const body: FigureFile = {
      suite: this.suite, dialect: this.dialect, at: new Date().toISOString(), durationMs: Date.now() - this.t0,
      figures: this.figures, notes: this.notes,
    };
    writeFileSync(file, JSON.stringify(body, null, 2) + "\n");
    return file;
  }
}

export function readFigureFiles(dir = FIGURES_DIR): FigureFile[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  return names.sort().map((n) => JSON.parse(readFileSync(join(dir, n), "utf8")) as FigureFile);
}
