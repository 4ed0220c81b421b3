/**
 * The unit's report form. The FormDocument (numbers as typed) lives in React state, so no
 * input is ever lost; the rules run live in the browser on what can be read; saving posts
 * the form as JSON with a fetcher and the server converts and checks it again.
 *
 * <ReportForm> is the Remix piece (useFetcher); <ReportFormView> is plain React and takes
 * the posting and the server's answer as props (component tests mount it without a router).
 * Mount it with a key per report: it takes `initial`, `explanations` and `version` once and
 * then owns them (a revalidation must not overwrite what is being typed).
 */
import { useFetcher } from "@remix-run/react";
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { fromFormDocument, toFormDocument, toFormPath, type FormConversion, type FormDocument, type ListPath } from "~/domain/formDocument";
import { explanationKey } from "~/domain/metrics";
import { setAt } from "~/domain/paths";
import type { Flag, ReportDocument } from "~/domain/report";
import { checkReport, RULES, type RuleContext } from "~/domain/rules";
import { STATUS_LABELS, type ReportStatus } from "~/domain/vocabulary";
import { ReportFormContext, type DisplayFlag, type ReportFormContextValue } from "./context";
import { computeFigures } from "./figures";
import { FlagsPanel } from "./FlagsPanel";
import { focusField, useDebounced } from "./hooks";
import { formFieldLabel } from "./labels";
import { LiveFigures } from "./LiveFigures";
import { NarrativeSection } from "./NarrativeSection";
import { addRow, moveRow, removeRow } from "./rows";
import { BasicSection, BudgetSection, ConclusionSection, IncomeSection, ProjectsSection, TargetsSection } from "./sections";
import { StatusBar } from "./StatusBar";

export interface ServerResult {
  ok: boolean;
  message?: string;
  errors?: Record<string, string>;
  conflict?: { status: string; version: number };
}

/** What the action answers to a post: `{ok: true, version, flags}` or `{ok: false, …}`. */
export interface SaveResult extends ServerResult {
  version?: number;
  flags?: Flag[];
}

export interface ReportFormProps {
  initial: ReportDocument;
  version: number;
  explanations: Record<string, string>;
  /** Serialisable: settings, previousSelfScore, county. */
  ruleContext: Partial<RuleContext>;
  /** false → the same layout, values as text, no inputs. */
  editable: boolean;
  /** URL the fetcher posts to. */
  action: string;
  serverResult?: ServerResult;
  /** Show info-severity flags (docs/domain.md: reviewers only). Default true. */
  showInfo?: boolean;
  /** The 文字说明 section at the end of the form. Default true; the print view puts the narrative first itself. */
  narrativeSection?: boolean;
}

/** The fields of every post. */
export type ReportFormPost = {
  intent: "save" | "submit";
  version: string;
  /** JSON of the FormDocument; the server runs fromFormDocument on it. */
  document: string;
  /** JSON of { "RULE@path": text }, blank ones left out. */
  explanations: string;
};

export function ReportForm({ action, ...props }: ReportFormProps) {
  const fetcher = useFetcher<SaveResult>();
  const onPost = useCallback(
    (fields: ReportFormPost) => {
      const data = new FormData();
      for (const [key, value] of Object.entries(fields)) data.set(key, value);
      fetcher.submit(data, { method: "post", action });
    },
    [action, fetcher.submit],
  );
  return <ReportFormView {...props} onPost={onPost} busy={fetcher.state !== "idle"} result={fetcher.data ?? props.serverResult} />;
}

export interface ReportFormViewProps extends Omit<ReportFormProps, "action"> {
  onPost(fields: ReportFormPost): void;
  busy: boolean;
  /** The server's latest answer; each new object is handled once. */
  result?: SaveResult;
}

export const conflictMessage = (status: string) =>
  `该报告已被他人修改（当前状态：${STATUS_LABELS[status as ReportStatus] ?? status}），请刷新页面查看最新内容；您填写的内容仍保留在本页。`;

const TITLES = new Map<string, string>(RULES.map((r) => [r.id, r.title]));

function toDisplay(flags: readonly Flag[], conversion: FormConversion): DisplayFlag[] {
  return flags.map((flag) => ({
    flag,
    formPath: toFormPath(flag.path, conversion.rowIndex),
    key: explanationKey(flag),
    title: TITLES.get(flag.rule) ?? flag.rule,
  }));
}

const nonBlank = (explanations: Record<string, string>) =>
  Object.fromEntries(Object.entries(explanations).filter(([, text]) => text.trim() !== ""));

/** What "saved" compares: the form as typed and the explanations written. */
const snapshot = (form: FormDocument, explanations: Record<string, string>) => JSON.stringify([form, nonBlank(explanations)]);

interface Alert {
  kind: "error" | "conflict";
  message: string;
}

function blockers(conversion: FormConversion, serverErrors: Record<string, string>, flags: readonly DisplayFlag[], explanations: Record<string, string>): string | null {
  const fieldErrors = new Set([...Object.keys(conversion.errors), ...Object.keys(serverErrors)]).size;
  if (fieldErrors > 0) return `有${fieldErrors}处填写错误，修正后才能提交`;
  const errors = flags.filter((f) => f.flag.severity === "error").length;
  if (errors > 0) return `还有${errors}个强制性错误，修正后才能提交`;
  const unexplained = flags.filter((f) => f.flag.severity === "warning" && !explanations[f.key]?.trim()).length;
  if (unexplained > 0) return `还有${unexplained}个提示性问题未填写情况说明`;
  return null;
}

export function ReportFormView(props: ReportFormViewProps) {
  const { editable, onPost, busy, result, ruleContext, showInfo = true, narrativeSection = true } = props;

  const [form, setForm] = useState<FormDocument>(() => toFormDocument(props.initial));
  const [explanations, setExplanations] = useState<Record<string, string>>(() => ({ ...props.explanations }));
  const [version, setVersion] = useState(props.version);
  const [saved, setSaved] = useState(() => snapshot(form, explanations));
  const [touched, setTouched] = useState<ReadonlySet<string>>(() => new Set());
  const [showAllErrors, setShowAllErrors] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [alert, setAlert] = useState<Alert | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const conversion = useMemo(() => fromFormDocument(form), [form]);
  const figures = useMemo(() => computeFigures(form), [form]);

  // The rules, debounced; while the form cannot be read, the last good result stays (stale).
  const ruleContextKey = JSON.stringify(ruleContext ?? {});
  const context = useMemo(() => JSON.parse(ruleContextKey) as Partial<RuleContext>, [ruleContextKey]);
  const [checked, setChecked] = useState(() => ({
    flags: conversion.document ? toDisplay(checkReport(conversion.document, context), conversion) : [],
    stale: !conversion.document,
  }));
  const settled = useDebounced(conversion, 300);
  useEffect(() => {
    if (settled.document) setChecked({ flags: toDisplay(checkReport(settled.document, context), settled), stale: false });
    else setChecked((c) => (c.stale ? c : { ...c, stale: true }));
  }, [settled, context]);

  const flagsByPath = useMemo(() => {
    const map = new Map<string, DisplayFlag[]>();
    for (const f of checked.flags) {
      if (f.flag.severity === "info" && !showInfo) continue;
      map.set(f.formPath, [...(map.get(f.formPath) ?? []), f]);
    }
    return map;
  }, [checked.flags, showInfo]);

  const current = useMemo(() => snapshot(form, explanations), [form, explanations]);
  const dirty = editable && current !== saved;

  // ---- editing
  const setField = useCallback((path: string, value: string) => {
    setForm((f) => setAt(f, path, value));
    setServerErrors((e) => {
      if (!(path in e)) return e;
      const { [path]: _gone, ...rest } = e;
      return rest;
    });
  }, []);
  const touch = useCallback((path: string) => setTouched((t) => (t.has(path) ? t : new Set(t).add(path))), []);

  // Row edits renumber the explanations with the rows; both states change together.
  const formRef = useRef(form);
  formRef.current = form;
  const explanationsRef = useRef(explanations);
  explanationsRef.current = explanations;
  const applyRowEdit = useCallback((edit: { form: FormDocument; explanations: Record<string, string> }) => {
    setForm(edit.form);
    setExplanations(edit.explanations);
  }, []);

  const ctx: ReportFormContextValue = useMemo(
    () => ({
      form,
      editable,
      setField,
      touch,
      errorAt: (path) => serverErrors[path] ?? (showAllErrors || touched.has(path) ? conversion.errors[path] : undefined),
      flagsAt: (path) => flagsByPath.get(path) ?? [],
      addRow: (list: ListPath) => setForm((f) => addRow(f, list)),
      removeRow: (list, index) => applyRowEdit(removeRow(formRef.current, explanationsRef.current, list, index)),
      moveRow: (list, index, delta) => applyRowEdit(moveRow(formRef.current, explanationsRef.current, list, index, delta)),
      editNarrative: (edit) => {
        setForm((f) => ({ ...f, narrative: edit(f.narrative) }));
        // Section numbers shift: a server error keyed by one would now point at another.
        setServerErrors((e) => (Object.keys(e).some(isNarrativePath) ? Object.fromEntries(Object.entries(e).filter(([p]) => !isNarrativePath(p))) : e));
      },
    }),
    [form, editable, setField, touch, serverErrors, showAllErrors, touched, conversion.errors, flagsByPath, applyRowEdit],
  );

  const explain = useCallback((key: string, text: string) => setExplanations((e) => ({ ...e, [key]: text })), []);

  // ---- saving and submitting
  const pending = useRef<{ intent: ReportFormPost["intent"]; snapshot: string } | null>(null);
  const submitBlocked = editable ? blockers(conversion, serverErrors, checked.flags, explanations) : null;

  const allErrors = useMemo(() => ({ ...conversion.errors, ...serverErrors }), [conversion.errors, serverErrors]);

  const refuseForErrors = (verb: string): boolean => {
    const count = Object.keys(allErrors).length;
    if (count === 0) return false;
    setShowAllErrors(true);
    setAlert({ kind: "error", message: `有${count}处填写错误，请修正后再${verb}。` });
    focusField(Object.keys(allErrors)[0]);
    return true;
  };

  const post = (intent: ReportFormPost["intent"]) => {
    pending.current = { intent, snapshot: current };
    setAlert(null);
    setNotice(null);
    onPost({ intent, version: String(version), document: JSON.stringify(form), explanations: JSON.stringify(nonBlank(explanations)) });
  };

  const save = () => {
    if (!editable || busy || refuseForErrors("保存")) return;
    post("save");
  };

  const submit = () => {
    if (!editable || busy || refuseForErrors("提交") || !conversion.document) return;
    // The debounced flags may lag the last keystroke: decide on a fresh check.
    const fresh = toDisplay(checkReport(conversion.document, context), conversion);
    setChecked({ flags: fresh, stale: false });
    const reason = blockers(conversion, serverErrors, fresh, explanations);
    if (reason) {
      setAlert({ kind: "error", message: `${reason}。` });
      return;
    }
    post("submit");
  };

  const saveRef = useRef(save);
  saveRef.current = save;

  // ---- the server's answer
  const handled = useRef<SaveResult | undefined>(undefined);
  useEffect(() => {
    if (!result || result === handled.current) return;
    handled.current = result;
    const intent = pending.current?.intent ?? "save";
    if (result.ok) {
      if (typeof result.version === "number") setVersion(result.version);
      if (pending.current) setSaved(pending.current.snapshot);
      setServerErrors({});
      setAlert(null);
      const counts = result.flags ? ` 检查结果：错误${count(result.flags, "error")}个，提示${count(result.flags, "warning")}个。` : "";
      setNotice(result.message ?? `${intent === "submit" ? "已提交审核" : "草稿已保存"}（${timeNow()}）。${counts}`.trim());
    } else if (result.conflict) {
      setAlert({ kind: "conflict", message: conflictMessage(result.conflict.status) });
    } else if (result.errors && Object.keys(result.errors).length > 0) {
      setServerErrors(result.errors);
      setShowAllErrors(true);
      setAlert({ kind: "error", message: result.message ?? `有${Object.keys(result.errors).length}处填写错误，请修正后再保存。` });
    } else {
      setAlert({ kind: "error", message: result.message ?? "保存失败，请稍后重试。" });
    }
    pending.current = null;
  }, [result]);

  // ---- keyboard and leaving the page
  useEffect(() => {
    if (!editable) return;
    const onKey = (e: globalThis.KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "s") {
        e.preventDefault();
        saveRef.current();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [editable]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  // Enter in a one-line input must not submit anything (even inside someone's <form>).
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === "Enter" && (e.target as HTMLElement).tagName === "INPUT") e.preventDefault();
  };

  const visibleErrors = showAllErrors ? Object.entries(allErrors) : [];

  return (
    <ReportFormContext.Provider value={ctx}>
      <div className={`report-form${editable ? "" : " read-only"}`} onKeyDown={onKeyDown}>
        {alert ? (
          <div className={alert.kind === "conflict" ? "form-error conflict" : "form-error"} role="alert">
            <p>{alert.message}</p>
            {visibleErrors.length > 0 && alert.kind === "error" ? (
              <ul className="error-summary">
                {visibleErrors.map(([path, message]) => (
                  <li key={path}>
                    <button type="button" className="link-button" onClick={() => focusField(path)}>
                      {formFieldLabel(path)}：{message}
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        {!editable ? <p className="notice read-only-note">本报告当前为只读。</p> : null}
        <div className="report-layout">
          <div className="report-main">
            <BasicSection />
            <IncomeSection />
            <BudgetSection />
            <ProjectsSection />
            <ConclusionSection />
            <TargetsSection />
            {narrativeSection ? <NarrativeSection /> : null}
          </div>
          <aside className="report-aside" aria-label="实时计算与检查结果">
            <LiveFigures figures={figures} />
            <FlagsPanel
              flags={checked.flags}
              explanations={explanations}
              onExplain={explain}
              onGoto={focusField}
              editable={editable}
              stale={checked.stale && editable}
              showInfo={showInfo}
            />
          </aside>
        </div>
        {editable ? (
          <StatusBar dirty={dirty} busy={busy} version={version} submitBlocked={submitBlocked} savedNotice={notice} onSave={save} onSubmit={submit} />
        ) : null}
      </div>
    </ReportFormContext.Provider>
  );
}

const isNarrativePath = (path: string) => path === "narrative" || path.startsWith("narrative[") || path.startsWith("narrative.");

const count = (flags: readonly Flag[], severity: Flag["severity"]) => flags.filter((f) => f.severity === severity).length;

function timeNow(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
