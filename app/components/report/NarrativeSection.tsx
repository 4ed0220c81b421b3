/**
 * The report's prose (基本情况, 部门资金收支情况, 存在问题 …): in the form, one title and one
 * textarea per section, staff add, remove and reorder them; read-only, the text as written
 * (whitespace and paragraphs kept), long sections folded to a preview so a reviewer going
 * through many reports reads the headings first. The print view shows them unfolded.
 */
import { useState } from "react";
import { blankNarrativeSection, NARRATIVE_LIMITS, type FormNarrativeSection } from "~/domain/formDocument";
import { fieldId } from "~/domain/paths";
import { useReportForm } from "./context";
import { TextField } from "./fields";
import { NARRATIVE_NAME } from "./labels";
import { Section } from "./Section";

/** The document's record as sections, in its order (object keys keep insertion order). */
export const narrativeSections = (narrative: Readonly<Record<string, string>> | undefined): FormNarrativeSection[] =>
  Object.entries(narrative ?? {}).map(([title, text]) => ({ title, text }));

/** Past this a section is folded for reading: about a screen of Chinese prose. */
export const FOLD_CHARS = 600;
const FOLD_LINES = 10;
const PREVIEW_CHARS = 200;
const PREVIEW_LINES = 3;

export const isLongText = (text: string) => text.length > FOLD_CHARS || text.split("\n").length > FOLD_LINES;

/** The first lines of a long text, cut by code point (never inside a surrogate pair). */
export function previewOf(text: string): string {
  const head = text.split("\n").slice(0, PREVIEW_LINES).join("\n");
  const chars = Array.from(head);
  return `${chars.length > PREVIEW_CHARS ? chars.slice(0, PREVIEW_CHARS).join("") : head}…`;
}

const countChars = (n: number) => n.toLocaleString("zh-CN");

interface NarrativeReaderProps {
  sections: readonly FormNarrativeSection[];
  /** Fold long sections behind 展开全文 (the page); the print view shows everything. */
  foldable: boolean;
  /** Heading level of the section titles (h3 inside the form's section, h2 on paper). */
  level?: 2 | 3;
  /** Element ids of the texts, the form's `field-narrative[i].text` (flags and focus find them). */
  textId?: (index: number) => string;
}

/** The narrative as text: titles, then the text as written. Blank sections are left out. */
export function NarrativeReader({ sections, foldable, level = 3, textId }: NarrativeReaderProps) {
  const shown = sections.map((s, i) => ({ ...s, index: i })).filter((s) => s.title.trim() !== "" || s.text.trim() !== "");
  const longOnes = foldable ? shown.filter((s) => isLongText(s.text)).map((s) => s.index) : [];
  const [open, setOpen] = useState<ReadonlySet<number>>(() => new Set());
  if (shown.length === 0) return <p className="muted narrative-empty">暂无{NARRATIVE_NAME}。</p>;
  const Heading = level === 2 ? "h2" : "h3";
  const toggle = (i: number) =>
    setOpen((o) => {
      const next = new Set(o);
      if (!next.delete(i)) next.add(i);
      return next;
    });
  const allOpen = longOnes.every((i) => open.has(i));
  return (
    <div className="narrative-reader">
      {longOnes.length > 1 ? (
        <p className="narrative-tools">
          <button type="button" className="link-button" onClick={() => setOpen(allOpen ? new Set() : new Set(longOnes))}>
            {allOpen ? "全部收起" : `全部展开（${longOnes.length}节较长）`}
          </button>
        </p>
      ) : null}
      {shown.map(({ title, text, index }) => {
        const id = textId?.(index) ?? `narrative-text-${index}`;
        const folded = longOnes.includes(index) && !open.has(index);
        return (
          <section key={index} className="narrative-part">
            <Heading className="narrative-title">{title.trim() === "" ? "（无标题）" : title}</Heading>
            <div id={id} className={`ro-multiline narrative-text${folded ? " folded" : ""}`} tabIndex={-1}>
              {text.trim() === "" ? <span className="muted">（无内容）</span> : folded ? previewOf(text) : text}
            </div>
            {longOnes.includes(index) ? (
              <button type="button" className="link-button narrative-toggle" aria-expanded={!folded} aria-controls={id} onClick={() => toggle(index)}>
                {folded ? `展开全文（共${countChars(text.length)}字）` : "收起"}
              </button>
            ) : null}
          </section>
        );
      })}
    </div>
  );
}

/** Rows of the textarea: the text's height, within reason. */
function rowsFor(text: string): number {
  const lines = text.split("\n").reduce((n, line) => n + Math.max(1, Math.ceil(line.length / 60)), 0);
  return Math.min(24, Math.max(4, lines + 1));
}

function focusLater(id: string) {
  // After React has rendered the new list.
  setTimeout(() => document.getElementById(id)?.focus(), 0);
}

const buttonId = (action: string, index: number) => `narrative-${action}-${index}`;

export function NarrativeSection() {
  const ctx = useReportForm();
  const sections = ctx.form.narrative;
  const [removed, setRemoved] = useState<{ index: number; section: FormNarrativeSection } | null>(null);

  if (!ctx.editable) {
    return (
      <Section id="section-narrative" title={`七、${NARRATIVE_NAME}`}>
        <NarrativeReader sections={sections} foldable textId={(i) => fieldId(`narrative[${i}].text`)} />
      </Section>
    );
  }

  const add = () => {
    setRemoved(null);
    ctx.editNarrative((s) => [...s, blankNarrativeSection()]);
    focusLater(fieldId(`narrative[${sections.length}].title`));
  };
  const remove = (index: number) => {
    setRemoved({ index, section: sections[index] });
    ctx.editNarrative((s) => s.filter((_, i) => i !== index));
    focusLater(sections.length > 1 ? buttonId("remove", Math.min(index, sections.length - 2)) : "narrative-add");
  };
  const undo = () => {
    if (!removed) return;
    const { index, section } = removed;
    setRemoved(null);
    ctx.editNarrative((s) => [...s.slice(0, index), section, ...s.slice(index)]);
    focusLater(fieldId(`narrative[${index}].title`));
  };
  const move = (index: number, delta: -1 | 1) => {
    const to = index + delta;
    if (to < 0 || to >= sections.length) return;
    setRemoved(null);
    ctx.editNarrative((s) => {
      const next = [...s];
      [next[index], next[to]] = [next[to], next[index]];
      return next;
    });
    focusLater(buttonId(delta < 0 ? "up" : "down", to));
  };

  return (
    <Section id="section-narrative" title={`七、${NARRATIVE_NAME}`}>
      <p className="muted small">报告正文各部分（如“部门（单位）基本情况”“存在问题”“改进建议”），打印时排在自评表之前。</p>
      <div id={fieldId("narrative")} tabIndex={-1} className="narrative-edit">
        {sections.length === 0 ? <p className="muted">暂无{NARRATIVE_NAME}。</p> : null}
        {sections.map((section, i) => (
          <fieldset key={i} className="narrative-part">
            <legend>第{i + 1}节</legend>
            <TextField path={`narrative[${i}].title`} label={`第${i + 1}节 标题`} />
            <TextField
              path={`narrative[${i}].text`}
              label={`第${i + 1}节 正文`}
              multiline
              rows={rowsFor(section.text)}
              hint={`${countChars(section.text.length)} / ${countChars(NARRATIVE_LIMITS.text)}字`}
            />
            <div className="narrative-actions">
              <button type="button" className="secondary icon" id={buttonId("up", i)} aria-label={`上移第${i + 1}节`} title="上移" disabled={i === 0} onClick={() => move(i, -1)}>↑</button>
              <button type="button" className="secondary icon" id={buttonId("down", i)} aria-label={`下移第${i + 1}节`} title="下移" disabled={i === sections.length - 1} onClick={() => move(i, 1)}>↓</button>
              <button type="button" className="secondary danger-text" id={buttonId("remove", i)} onClick={() => remove(i)}>删除第{i + 1}节</button>
            </div>
          </fieldset>
        ))}
      </div>
      {removed ? (
        <p className="notice" role="status">
          已删除“{removed.section.title.trim() || `第${removed.index + 1}节`}”。{" "}
          <button type="button" className="link-button" onClick={undo}>撤销删除</button>
        </p>
      ) : null}
      <button type="button" className="secondary add-row" id="narrative-add" onClick={add}>添加一节（{NARRATIVE_NAME}）</button>
    </Section>
  );
}
