/**
 * Tokenizer for tables flattened one cell per line, as text extraction from Word gives them:
 * a line starting with a TAB is a cell, a lone TAB an empty or merged cell, a blank line ends
 * a row, and a line without a TAB continues the cell above. A second blank line, or a line
 * without a TAB that follows no open cell (e.g. after the blank line closing the last row),
 * ends the table.
 */

/** A line of the input outside every table; `line` is 1-based. */
export interface TextLine {
  line: number;
  text: string;
}

export interface Cell {
  /** Trimmed; continuation lines appended. */
  text: string;
  /** 1-based line of the cell's first line. */
  line: number;
}

export interface Row {
  cells: Cell[];
  line: number;
}

export interface Table {
  rows: Row[];
  startLine: number;
  endLine: number;
}

export interface Tokenized {
  tables: Table[];
  /** Non-blank lines outside the tables, in order. */
  outside: TextLine[];
}

// Tolerate indentation before the TAB (spaces, ideographic space) that some exports add.
const CELL_LINE = /^[ \u3000\u00a0]*\t/;

export function tokenize(lines: ReadonlyArray<string>): Tokenized {
  const tables: Table[] = [];
  const outside: TextLine[] = [];
  let table: Table | null = null;
  let row: Cell[] | null = null;
  let openCell: Cell | null = null;

  const closeRow = () => {
    if (table && row && row.length > 0) table.rows.push({ cells: row, line: row[0].line });
    row = null;
    openCell = null;
  };
  const closeTable = () => {
    closeRow();
    if (table && table.rows.length > 0) tables.push(table);
    table = null;
  };

  lines.forEach((text, index) => {
    const line = index + 1;
    const cellLine = CELL_LINE.exec(text);
    if (cellLine) {
      if (!table) table = { rows: [], startLine: line, endLine: line };
      if (!row) row = [];
      // Several TABs on one line: cells pasted side by side (e.g. from a spreadsheet).
      for (const part of text.slice(cellLine[0].length).split("\t")) {
        openCell = { text: part.trim(), line };
        row.push(openCell);
      }
      table.endLine = line;
    } else if (text.trim() === "") {
      if (row) closeRow();
      else closeTable();
    } else if (openCell) {
      openCell.text = joinContinuation(openCell.text, text.replace(/\t/g, " ").trim());
      if (table) table.endLine = line;
    } else {
      closeTable();
      outside.push({ line, text: text.trim() });
    }
  });
  closeTable();
  return { tables, outside };
}

/**
 * Word wraps a cell's text into paragraphs ("年度总体" / "目标"): Chinese joins without a space,
 * two Latin words or numbers keep one.
 */
function joinContinuation(head: string, tail: string): string {
  if (head === "") return tail;
  return /[A-Za-z0-9]$/.test(head) && /^[A-Za-z0-9]/.test(tail) ? `${head} ${tail}` : head + tail;
}
