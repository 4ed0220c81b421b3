/**
 * Adding, removing and moving rows of the repeatable lists, and keeping the unit's
 * explanations attached to the rows they were written for. Explanations are keyed
 * `RULE@path` with the document's row index (blank form rows do not count), so a move or
 * a removal renumbers them the same way it renumbers the rows.
 */
import {
  blankAdjustment, blankIndicator, blankLine, blankTask, isBlankRow, type FormDocument, type ListPath,
} from "~/domain/formDocument";
import { getAt, setAt } from "~/domain/paths";

const BLANK: Record<ListPath, () => object> = {
  "expenditure.lines": blankLine,
  "budgetManagement.adjustments": blankAdjustment,
  "targets.tasks": blankTask,
  "targets.indicators": blankIndicator,
};

export const rowsOf = (form: FormDocument, list: ListPath): object[] => (getAt(form, list) as object[] | undefined) ?? [];

/** Document row index → form row index, for the rows as they stand. */
const nonBlankIndices = (rows: object[]) => rows.flatMap((row, i) => (isBlankRow(row) ? [] : [i]));

export interface RowEdit {
  form: FormDocument;
  explanations: Record<string, string>;
}

/**
 * Apply a new order of rows: `order[newIndex] = oldIndex` (an old index missing from it is a
 * removed row). Explanation keys of that list are renumbered; those of removed rows dropped.
 */
function reorder(form: FormDocument, explanations: Record<string, string>, list: ListPath, order: number[]): RowEdit {
  const rows = rowsOf(form, list);
  const next = order.map((i) => rows[i]);
  const before = nonBlankIndices(rows);
  const after = nonBlankIndices(next);
  const newFormIndex = new Map(order.map((oldIndex, newIndex) => [oldIndex, newIndex]));
  const prefix = `@${list}[`;
  const out: Record<string, string> = {};
  for (const [key, text] of Object.entries(explanations)) {
    const at = key.indexOf(prefix);
    const m = at >= 0 ? /^(\d+)\]/.exec(key.slice(at + prefix.length)) : null;
    if (!m) {
      out[key] = text;
      continue;
    }
    const formIndex = before[Number(m[1])];
    const moved = formIndex === undefined ? undefined : newFormIndex.get(formIndex);
    const docIndex = moved === undefined ? -1 : after.indexOf(moved);
    if (docIndex < 0) continue; // the row is gone
    out[`${key.slice(0, at + prefix.length)}${docIndex}${key.slice(at + prefix.length + m[1].length)}`] = text;
  }
  return { form: setAt(form, list, next), explanations: out };
}

export function addRow(form: FormDocument, list: ListPath): FormDocument {
  return setAt(form, list, [...rowsOf(form, list), BLANK[list]()]);
}

export function removeRow(form: FormDocument, explanations: Record<string, string>, list: ListPath, index: number): RowEdit {
  const order = rowsOf(form, list).map((_, i) => i).filter((i) => i !== index);
  return reorder(form, explanations, list, order);
}

/** Move row `index` by `delta` (−1 up, +1 down); a move past either end changes nothing. */
export function moveRow(form: FormDocument, explanations: Record<string, string>, list: ListPath, index: number, delta: -1 | 1): RowEdit {
  const count = rowsOf(form, list).length;
  const target = index + delta;
  if (index < 0 || index >= count || target < 0 || target >= count) return { form, explanations };
  const order = [...Array(count).keys()];
  order[index] = target;
  order[target] = index;
  return reorder(form, explanations, list, order);
}
