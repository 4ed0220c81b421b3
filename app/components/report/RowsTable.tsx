/**
 * A repeatable list (支出明细, 调整事项, 主要任务, 绩效指标) as a table: one row per item, cells
 * rendered by the caller, and per row buttons to move it up or down and remove it. Plain
 * buttons and inputs, so Tab walks through it; the moved row's button keeps the focus.
 */
import type { ReactNode } from "react";
import type { ListPath } from "~/domain/formDocument";
import { fieldId } from "~/domain/paths";
import { LIST_NAMES } from "~/domain/vocabulary";
import { flagClass, useReportForm } from "./context";
import { FieldMessages } from "./fields";
import { COLUMN_LABELS } from "./labels";
import { rowsOf } from "./rows";

interface RowsTableProps {
  list: ListPath;
  /** Column keys in display order (labels come from COLUMN_LABELS). */
  columns: readonly string[];
  renderCells(index: number): ReactNode;
  numericColumns?: readonly string[];
}

const buttonId = (action: string, list: ListPath, index: number) => `row-${action}-${list}[${index}]`;

function focusLater(id: string, fallback?: string) {
  // After React has rendered the new order.
  setTimeout(() => {
    const el = document.getElementById(id) as HTMLButtonElement | null;
    if (el && !el.disabled) el.focus();
    else if (fallback) document.getElementById(fallback)?.focus();
  }, 0);
}

export function RowsTable({ list, columns, renderCells, numericColumns = [] }: RowsTableProps) {
  const ctx = useReportForm();
  const count = rowsOf(ctx.form, list).length;
  const flags = ctx.flagsAt(list);
  const caption = LIST_NAMES[list];
  const move = (index: number, delta: -1 | 1) => {
    ctx.moveRow(list, index, delta);
    const to = index + delta;
    const action = delta < 0 ? "up" : "down";
    focusLater(buttonId(action, list, to), buttonId(action === "up" ? "down" : "up", list, to));
  };
  const remove = (index: number) => {
    ctx.removeRow(list, index);
    const next = index < count - 1 ? index : index - 1;
    focusLater(next >= 0 ? buttonId("remove", list, next) : `row-add-${list}`, `row-add-${list}`);
  };
  const add = () => {
    ctx.addRow(list);
    // Focus the first input of the new row.
    setTimeout(() => document.getElementById(fieldId(`${list}[${count}].${columns[0]}`))?.focus(), 0);
  };
  return (
    <div className={`rows-table ${flagClass(flags)}`} id={fieldId(list)} tabIndex={-1} role="group" aria-label={caption}>
      <div className="table-scroll">
        <table className="data rows">
          <caption className="rows-caption">{caption}</caption>
          <thead>
            <tr>
              <th scope="col" className="row-no">序号</th>
              {columns.map((c) => (
                <th scope="col" key={c} className={numericColumns.includes(c) ? "num" : undefined}>{COLUMN_LABELS[list][c]}</th>
              ))}
              {ctx.editable ? <th scope="col" className="row-actions">操作</th> : null}
            </tr>
          </thead>
          <tbody>
            {count === 0 ? (
              <tr>
                <td colSpan={columns.length + (ctx.editable ? 2 : 1)} className="muted">暂无{caption}</td>
              </tr>
            ) : null}
            {Array.from({ length: count }, (_, i) => (
              <tr key={i}>
                <td className="row-no">{i + 1}</td>
                {renderCells(i)}
                {ctx.editable ? (
                  <td className="row-actions">
                    <button type="button" className="secondary icon" id={buttonId("up", list, i)} aria-label={`上移第${i + 1}行`} title="上移" disabled={i === 0} onClick={() => move(i, -1)}>↑</button>
                    <button type="button" className="secondary icon" id={buttonId("down", list, i)} aria-label={`下移第${i + 1}行`} title="下移" disabled={i === count - 1} onClick={() => move(i, 1)}>↓</button>
                    <button type="button" className="secondary icon danger-text" id={buttonId("remove", list, i)} aria-label={`删除第${i + 1}行`} title="删除" onClick={() => remove(i)}>×</button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {ctx.editable ? (
        <button type="button" className="secondary add-row" id={`row-add-${list}`} onClick={add}>添加一行（{caption}）</button>
      ) : null}
      <FieldMessages path={list} error={ctx.errorAt(list)} flags={flags} />
    </div>
  );
}

