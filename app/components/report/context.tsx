import { createContext, useContext } from "react";
import type { FormDocument, FormNarrativeSection, ListPath } from "~/domain/formDocument";
import type { Flag } from "~/domain/report";
import { getAt } from "~/domain/paths";
import { SEVERITIES } from "~/domain/vocabulary";

/** A flag as the form shows it: with the form path of its field and its explanation key. */
export interface DisplayFlag {
  flag: Flag;
  /** The path of the field it belongs to in the form (row indices of the form). */
  formPath: string;
  /** explanationKey(flag): `${rule}@${path}`, the document's path. */
  key: string;
  title: string;
}

export interface ReportFormContextValue {
  form: FormDocument;
  editable: boolean;
  setField(path: string, value: string): void;
  /** The field was left: its errors may show from now on. */
  touch(path: string): void;
  /** The error to show beside the field (server errors always, client ones once touched). */
  errorAt(path: string): string | undefined;
  flagsAt(path: string): readonly DisplayFlag[];
  addRow(list: ListPath): void;
  removeRow(list: ListPath, index: number): void;
  moveRow(list: ListPath, index: number, delta: -1 | 1): void;
  /** Add, remove or reorder narrative sections (no explanations hang on them). */
  editNarrative(edit: (sections: FormNarrativeSection[]) => FormNarrativeSection[]): void;
}

export const ReportFormContext = createContext<ReportFormContextValue | null>(null);

export function useReportForm(): ReportFormContextValue {
  const ctx = useContext(ReportFormContext);
  if (!ctx) throw new Error("useReportForm outside <ReportForm>");
  return ctx;
}

/** One field bound by its path. */
export function useField(path: string) {
  const ctx = useReportForm();
  const raw = getAt(ctx.form, path);
  return {
    value: typeof raw === "string" ? raw : "",
    editable: ctx.editable,
    error: ctx.errorAt(path),
    flags: ctx.flagsAt(path),
    onChange: (value: string) => ctx.setField(path, value),
    onBlur: () => ctx.touch(path),
  };
}

/** CSS class for a field's border: the most severe of its flags. */
export function flagClass(flags: readonly DisplayFlag[]): string {
  const worst = SEVERITIES.find((s) => flags.some((f) => f.flag.severity === s));
  return worst ? `has-flag has-flag-${worst}` : "";
}
