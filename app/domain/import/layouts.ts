/**
 * Tables written in other text layouts → the flattened format's cell lines (flat.ts), so one
 * tokenizer (cells.ts) reads them all. To be filled: see the layouts work in issue 14.
 */

export interface Relaid {
  /** The text in the flattened format. */
  lines: string[];
  /** 1-based line of the input each output line came from (same length as `lines`). */
  origin: number[];
}

export function relayTables(lines: ReadonlyArray<string>): Relaid {
  return { lines: [...lines], origin: lines.map((_, i) => i + 1) };
}
