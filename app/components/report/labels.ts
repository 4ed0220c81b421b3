/**
 * The form's labels, made from the vocabulary's field names (~/domain/vocabulary): visible
 * labels and column headers carry their unit ("年初预算（万元）"), table cells get an aria-label
 * ("第2行 决算数"). Errors and flags name their field with the vocabulary's fieldLabel.
 */
import type { ListPath } from "~/domain/formDocument";
import type { DecimalKind } from "~/domain/money";
import { decimalKindOf } from "~/domain/report";
import { COLUMN_NAMES, FIELD_NAMES, fieldLabel } from "~/domain/vocabulary";

const UNITS: Partial<Record<DecimalKind, string>> = { amount: "万元", signedAmount: "万元", percent: "%", signedPercent: "%" };

/** "年初预算" → "年初预算（万元）"; a name with a note keeps one bracket: "偏离度（报告所述，%）". */
function withUnit(name: string, path: string): string {
  const kind = decimalKindOf(path);
  const unit = kind && UNITS[kind];
  if (!unit) return name;
  return name.endsWith("）") ? `${name.slice(0, -1)}，${unit}）` : `${name}（${unit}）`;
}

/** The form shows a group and its part side by side: "实有人数 行政". */
const spaced = (name: string) => name.replaceAll("·", " ");

export const FIELD_LABELS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(FIELD_NAMES).map(([path, name]) => [path, withUnit(spaced(name), path)]),
);

export const COLUMN_LABELS = Object.fromEntries(
  Object.entries(COLUMN_NAMES).map(([list, columns]) => [
    list,
    Object.fromEntries(Object.entries(columns).map(([column, name]) => [column, withUnit(name, `${list}[0].${column}`)])),
  ]),
) as Readonly<Record<ListPath, Readonly<Record<string, string>>>>;

/** aria-label of a table cell: "第2行 决算数". */
export const cellLabel = (list: ListPath, index: number, column: string) => `第${index + 1}行 ${COLUMN_NAMES[list][column] ?? column}`;

export const NARRATIVE_NAME = "文字说明";

/** A narrative section's field (a form path, `narrative[2].text`) → "文字说明第3节·正文". */
export function narrativeFieldLabel(path: string): string | undefined {
  if (path === "narrative") return NARRATIVE_NAME;
  const m = /^narrative\[(\d+)\]\.(title|text)$/.exec(path);
  return m ? `${NARRATIVE_NAME}第${Number(m[1]) + 1}节·${m[2] === "title" ? "标题" : "正文"}` : undefined;
}

/** How the form names a field in its error summary: the vocabulary's name, narrative included. */
export const formFieldLabel = (path: string): string => narrativeFieldLabel(path) ?? fieldLabel(path);
