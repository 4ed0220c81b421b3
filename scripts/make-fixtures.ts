/**
 * Builds the binary test fixtures from the reference report, so that they can be reviewed and
 * regenerated rather than trusted:
 *
 *   test/fixtures/luxian-trade-union-2023.docx          the reference .txt as a Word file: the
 *       narrative as paragraphs, the 自评表 as a real Word table with merged cells
 *   test/fixtures/luxian-trade-union-2023-targets.xlsx  the 自评表 alone, via our .xlsx export
 *   test/fixtures/not-a-docx.docx                        random bytes
 *   test/fixtures/bomb.docx                              a ~60 KB zip whose document.xml
 *                                                        inflates to 60 MB
 *
 * Usage: npx tsx scripts/make-fixtures.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  AlignmentType,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlignTable,
  VerticalMergeType,
  WidthType,
} from "docx";
import { zipSync, strToU8 } from "fflate";
import { targetTableToXlsx } from "../app/domain/export/target-table";
import { readFlat } from "../test/unit/convert/tokens";
import { reportDocumentSchema } from "../app/domain/report";

const fixtures = fileURLToPath(new URL("../test/fixtures/", import.meta.url));
const REFERENCE = "luxian-trade-union-2023";
/** Fixed so that regenerated files differ only where the content does. */
const FIXED_DATE = new Date("2024-03-01T00:00:00Z");

// ---------------------------------------------------------------------------------------------
// The Word file

/** The grid is 10 columns wide; a row of n cells spans it like the original form does. */
const SPANS: Record<number, number[]> = {
  1: [10], // title rows
  2: [1, 9], // 部门名称 | name; 年度总体目标 | text
  3: [1, 2, 7], // 年度主要任务 | 任务名称 | 主要内容
  4: [1, 3, 3, 3], // 年度部门整体支出预算 | 资金总额 | 财政拨款 | 其他资金
  10: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], // 年度绩效指标 rows
};
const COLUMN_TWIPS = [1300, 1100, 1300, 2000, 800, 1000, 900, 700, 1000, 700];

type Merge = "none" | "restart" | "continue";

interface PlannedCell {
  text: string;
  column: number;
  span: number;
  merge: Merge;
}

/**
 * Rows of cell texts (as in the .txt) → cells with grid positions and vertical merges. An empty
 * cell in the first column, or in the 一级指标 column of an indicator row, continues the cell
 * above (that is how the .txt shows a vertical merge); every other empty cell is just empty.
 */
function planTable(rows: string[][]): PlannedCell[][] {
  const planned = rows.map((row, r) => {
    const spans = SPANS[row.length];
    if (!spans) throw new Error(`row ${r + 1} has ${row.length} cells, no layout for that`);
    let column = 0;
    return row.map((text, i): PlannedCell => {
      const cell: PlannedCell = { text, column, span: spans[i], merge: "none" };
      column += spans[i];
      const continues = text === "" && row.length > 1 && (i === 0 || (row.length === 10 && i === 1));
      if (continues) cell.merge = "continue";
      return cell;
    });
  });
  planned.forEach((row, r) => {
    for (const cell of row) {
      if (cell.merge !== "continue") continue;
      const above = planned[r - 1]?.find((c) => c.column === cell.column);
      if (!above || above.span !== cell.span) throw new Error(`row ${r + 1}: nothing to merge with above`);
      if (above.merge === "none") above.merge = "restart";
    }
  });
  return planned;
}

function wordTable(rows: string[][]): Table {
  const planned = planTable(rows);
  return new Table({
    width: { size: COLUMN_TWIPS.reduce((a, b) => a + b, 0), type: WidthType.DXA },
    columnWidths: COLUMN_TWIPS,
    rows: planned.map((row) => {
      // The header row writes its two-line labels with a line break, the others with two
      // paragraphs: a converter must handle both.
      const breaks = row.some((cell) => cell.text === "一级指标");
      return new TableRow({
        children: row.map((cell) => {
          const lines = cell.merge === "continue" ? [] : cell.text.split("\n");
          const paragraphs = breaks
            ? [new Paragraph({ children: lines.map((line, i) => new TextRun({ text: line, break: i > 0 ? 1 : 0 })) })]
            : lines.length > 0
              ? lines.map((line) => new Paragraph({ children: [new TextRun(line)] }))
              : [new Paragraph({})];
          return new TableCell({
            children: paragraphs,
            columnSpan: cell.span > 1 ? cell.span : undefined,
            verticalMerge:
              cell.merge === "restart"
                ? VerticalMergeType.RESTART
                : cell.merge === "continue"
                  ? VerticalMergeType.CONTINUE
                  : undefined,
            verticalAlign: VerticalAlignTable.CENTER,
          });
        }),
      });
    }),
  });
}

/** A narrative line as a Word paragraph: section titles as headings, "（一）标题。" in bold. */
function wordParagraph(line: string, index: number): Paragraph {
  if (index === 0 || /^[一二三四五六七八九十]+、/.test(line)) {
    return new Paragraph({
      heading: HeadingLevel.HEADING_1,
      alignment: index === 0 ? AlignmentType.CENTER : undefined,
      children: [new TextRun(line)],
    });
  }
  const lead = /^（[一二三四五六七八九十]+）[^。]*。/.exec(line);
  if (lead) {
    return new Paragraph({
      children: [new TextRun({ text: lead[0], bold: true }), new TextRun(line.slice(lead[0].length))],
    });
  }
  return new Paragraph({ children: [new TextRun(line)] });
}

async function makeDocx(reference: string): Promise<Uint8Array> {
  const children: (Paragraph | Table)[] = [];
  let lineIndex = 0;
  for (const block of readFlat(reference)) {
    if (block.kind === "line") {
      children.push(wordParagraph(block.text, lineIndex++));
    } else {
      children.push(wordTable(block.rows));
      children.push(new Paragraph({})); // Word's usual empty paragraph after a table
    }
  }
  const document = new Document({
    creator: "make-fixtures",
    title: "2023年部门预算绩效评价报告",
    sections: [{ children }],
  });
  return new Uint8Array(await Packer.toBuffer(document));
}

// ---------------------------------------------------------------------------------------------
// Hostile files

/** Deterministic noise that is neither a zip nor an OLE2 file. */
function randomBytes(length: number, seed = 20240301): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  bytes[0] = 0x42; // never "PK" or the OLE2 magic
  return bytes;
}

/** A well-formed .docx whose document.xml inflates to `megabytes` MB of empty paragraphs. */
export function zipBomb(megabytes = 60): Uint8Array {
  const head = '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
  const tail = "</w:body></w:document>";
  const total = megabytes * 1024 * 1024;
  const document = new Uint8Array(total);
  document.set(strToU8(head));
  const filler = strToU8("<w:p/>");
  const end = total - tail.length;
  for (let at = head.length; at < end; at += filler.length) document.set(filler.subarray(0, Math.min(filler.length, end - at)), at);
  document.set(strToU8(tail), end);
  return zipSync(
    {
      "[Content_Types].xml": strToU8(
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>',
      ),
      "word/document.xml": document,
    },
    { level: 9, mtime: FIXED_DATE },
  );
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const reference = readFileSync(`${fixtures}${REFERENCE}.txt`, "utf8");
  const expected = reportDocumentSchema.parse(
    JSON.parse(readFileSync(`${fixtures}${REFERENCE}.expected.json`, "utf8")),
  );

  const outputs: [string, Uint8Array][] = [
    [`${REFERENCE}.docx`, await makeDocx(reference)],
    [`${REFERENCE}-targets.xlsx`, await targetTableToXlsx(expected, { now: FIXED_DATE })],
    ["not-a-docx.docx", randomBytes(4096)],
    ["bomb.docx", zipBomb(60)],
  ];
  for (const [name, bytes] of outputs) {
    writeFileSync(`${fixtures}${name}`, bytes);
    console.log(`${name}: ${bytes.length} bytes`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
