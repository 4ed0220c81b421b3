/**
 * The flattened text format every import goes through (see docs/domain.md): a Word file's text as
 * extracted line by line. Paragraphs are plain lines; a table is written one cell per line:
 *
 *   - a cell line starts with a TAB, the cell's text follows;
 *   - a line without a TAB continues the cell above (a line break inside the cell);
 *   - a blank line ends a table row; one more blank line ends the table;
 *   - a lone TAB is an empty cell, or the slot of a cell merged from the row above.
 *
 * Merged cells follow Word's own extraction: a horizontally merged cell (gridSpan) is ONE cell,
 * a vertically merged cell writes its text in its first row and a lone TAB in each row below.
 *
 * This module only writes that container (for docx.ts and xlsx.ts); cells.ts tokenizes it and
 * text.ts gives the cells their meaning.
 */

export type FlatBlock =
  | { kind: "line"; text: string }
  /** Rows of cells; a cell's text uses "\n" between its lines, "" for an empty or covered cell. */
  | { kind: "table"; rows: string[][] };

/** Normalizes one line: no TAB (it would open a cell), no CR, no trailing blanks. */
function cleanLine(line: string): string {
  return line.replace(/[\t\r\v\f\u2028\u2029]/g, " ").trimEnd();
}

/**
 * A cell's or paragraph's text → its lines, blank ones dropped (a blank line would end the
 * row). Leading spaces are kept as Word has them.
 */
export function textLines(text: string): string[] {
  return text.split("\n").map(cleanLine).filter((line) => line.trim() !== "");
}

/** Writes blocks in the flattened format, ending with a newline. */
export function writeFlat(blocks: readonly FlatBlock[]): string {
  const out: string[] = [];
  for (const block of blocks) {
    if (block.kind === "line") {
      out.push(...textLines(block.text));
      continue;
    }
    const rows = block.rows.filter((row) => row.length > 0);
    if (rows.length === 0) continue;
    for (const row of rows) {
      for (const cell of row) {
        const [first = "", ...rest] = textLines(cell);
        out.push(`\t${first}`, ...rest);
      }
      out.push(""); // end of row
    }
    out.push(""); // end of table
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

/** What every converter to the flattened format returns; it never throws. */
export type ConvertResult = { ok: true; text: string } | { ok: false; error: string };
