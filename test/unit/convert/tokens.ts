/**
 * A small tokenizer of the flattened text format for the converter tests and the fixture
 * script: blocks in order, each table's rows of cells with their lines joined by "\n" (so a
 * test sees exactly how a converter split a cell). The import's own tokenizer (cells.ts) joins
 * the lines instead, as the parser needs.
 */
import type { FlatBlock } from "~/domain/import/flat";

export function readFlat(text: string): FlatBlock[] {
  const blocks: FlatBlock[] = [];
  let table: string[][] | null = null;
  let row: string[] = [];

  const endRow = () => {
    if (table && row.length > 0) table.push(row);
    row = [];
  };
  const endTable = () => {
    endRow();
    if (table && table.length > 0) blocks.push({ kind: "table", rows: table });
    table = null;
  };

  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    if (line.startsWith("\t")) {
      table ??= [];
      row.push(line.slice(1));
    } else if (line === "") {
      if (row.length > 0) endRow();
      else if (table) endTable();
    } else if (row.length > 0) {
      row[row.length - 1] += `\n${line}`;
    } else {
      endTable();
      blocks.push({ kind: "line", text: line });
    }
  }
  endTable();
  return blocks;
}

export const tablesOf = (text: string) =>
  readFlat(text).flatMap((block) => (block.kind === "table" ? [block.rows] : []));

export const linesOf = (text: string) =>
  readFlat(text).flatMap((block) => (block.kind === "line" ? [block.text] : []));
