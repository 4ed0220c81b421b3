/** The six parts of the paper report, in its order and with its headings. */
import { functionClassOf } from "~/domain/rules";
import { SCORE_GRADES } from "~/domain/vocabulary";
import { useField } from "./context";
import { NumberField, SelectField, TextField, type SelectOption } from "./fields";
import { cellLabel } from "./labels";
import { RowsTable } from "./RowsTable";
import { Section } from "./Section";

export function BasicSection() {
  return (
    <Section id="section-basic" title="一、基本情况">
      <div className="form-grid">
        <TextField path="unit.name" className="span-2" />
        <NumberField path="year" />
      </div>
      <table className="data staffing-table">
        <caption className="rows-caption">编制与实有人数</caption>
        <thead>
          <tr>
            <th scope="col">人数</th>
            <th scope="col" className="num">行政</th>
            <th scope="col" className="num">事业</th>
            <th scope="col" className="num">合计</th>
          </tr>
        </thead>
        <tbody>
          {(["authorized", "actual"] as const).map((kind) => (
            <tr key={kind}>
              <th scope="row">{kind === "authorized" ? "编制人数" : "实有人数"}</th>
              {(["admin", "institution", "total"] as const).map((cat) => (
                <td key={cat} className="num">
                  <NumberField cell path={`staffing.${kind}.${cat}`} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-grid">
        <NumberField path="staffing.retired" />
      </div>
    </Section>
  );
}

/** The 类 of the code typed so far, beside the code. */
function FunctionClassHint({ path }: { path: string }) {
  const { value } = useField(path);
  const code = value.normalize("NFKC").replace(/\s+/g, "");
  if (!code) return null;
  const cls = functionClassOf(code);
  return <span className={`class-hint${cls ? "" : " unknown"}`}>{cls ? `${cls.code} ${cls.name}` : "未知科目类别"}</span>;
}

export function IncomeSection() {
  const list = "expenditure.lines" as const;
  return (
    <Section id="section-income" title="二、收支情况">
      <div className="form-grid">
        <NumberField path="income.initialBudget" />
        <NumberField path="income.adjustedBudget" />
        <NumberField path="income.total" />
        <NumberField path="income.fiscal" />
        <NumberField path="income.other" />
        <NumberField path="expenditure.total" />
      </div>
      <RowsTable
        list={list}
        columns={["code", "name", "budget", "final", "statedRatePct"]}
        numericColumns={["budget", "final", "statedRatePct"]}
        renderCells={(i) => (
          <>
            <td className="code-cell">
              <TextField cell path={`${list}[${i}].code`} label={cellLabel(list, i, "code")} />
              <FunctionClassHint path={`${list}[${i}].code`} />
            </td>
            <td><TextField cell path={`${list}[${i}].name`} label={cellLabel(list, i, "name")} /></td>
            <td className="num"><NumberField cell path={`${list}[${i}].budget`} label={cellLabel(list, i, "budget")} /></td>
            <td className="num"><NumberField cell path={`${list}[${i}].final`} label={cellLabel(list, i, "final")} /></td>
            <td className="num"><NumberField cell path={`${list}[${i}].statedRatePct`} label={cellLabel(list, i, "statedRatePct")} /></td>
          </>
        )}
      />
      <div className="form-grid">
        <NumberField path="carryover" hint="收入合计减支出合计；可为负数" />
      </div>
    </Section>
  );
}

export function BudgetSection() {
  const list = "budgetManagement.adjustments" as const;
  return (
    <Section id="section-budget" title="三、预算管理">
      <div className="form-grid">
        <NumberField path="budgetManagement.statedDeviationPct" hint="按报告填写；（决算数−年初预算）/年初预算" />
      </div>
      <RowsTable
        list={list}
        columns={["reason", "amount"]}
        numericColumns={["amount"]}
        renderCells={(i) => (
          <>
            <td><TextField cell path={`${list}[${i}].reason`} label={cellLabel(list, i, "reason")} /></td>
            <td className="num"><NumberField cell path={`${list}[${i}].amount`} label={cellLabel(list, i, "amount")} /></td>
          </>
        )}
      />
      <p className="muted small">调减的金额填负数。</p>
    </Section>
  );
}

export function ProjectsSection() {
  const columns = [
    ["count", "个数"],
    ["amount", "金额（万元）"],
    ["executionPct", "执行率（%）"],
    ["overBalanceCount", "结余率>10%项目数"],
  ] as const;
  return (
    <Section id="section-projects" title="四、项目情况">
      <table className="data projects-table">
        <thead>
          <tr>
            <th scope="col">项目类别</th>
            {columns.map(([key, label]) => <th scope="col" key={key} className="num">{label}</th>)}
          </tr>
        </thead>
        <tbody>
          {(["recurring", "oneOff"] as const).map((group) => (
            <tr key={group}>
              <th scope="row">{group === "recurring" ? "常年项目" : "一次性项目"}</th>
              {columns.map(([key]) => (
                <td key={key} className="num"><NumberField cell path={`projects.${group}.${key}`} /></td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

const GRADE_OPTIONS: readonly SelectOption[] = [{ value: "", label: "（无）" }, ...SCORE_GRADES.map((grade) => ({ value: grade, label: grade }))];

export function ConclusionSection() {
  return (
    <Section id="section-conclusion" title="五、自评结论">
      <div className="form-grid">
        <NumberField path="selfScore" hint="0–100分" />
        <SelectField path="selfGrade" options={GRADE_OPTIONS} />
      </div>
    </Section>
  );
}

const NATURE_OPTIONS: readonly SelectOption[] = [
  { value: "", label: "请选择" },
  { value: "≥", label: "≥" },
  { value: "≤", label: "≤" },
  { value: "=", label: "=" },
  { value: "定性", label: "定性" },
];

export function TargetsSection() {
  const tasks = "targets.tasks" as const;
  const indicators = "targets.indicators" as const;
  const text = (i: number, key: string) => (
    <td key={key}><TextField cell path={`${indicators}[${i}].${key}`} label={cellLabel(indicators, i, key)} /></td>
  );
  const num = (i: number, key: string) => (
    <td key={key} className="num"><NumberField cell path={`${indicators}[${i}].${key}`} label={cellLabel(indicators, i, key)} /></td>
  );
  return (
    <Section id="section-targets" title="六、绩效目标自评表">
      <div className="form-grid">
        <NumberField path="targets.totalFunds" />
        <NumberField path="targets.fiscal" />
        <NumberField path="targets.other" />
      </div>
      <TextField path="targets.overallGoal" multiline rows={4} />
      <RowsTable
        list={tasks}
        columns={["name", "content"]}
        renderCells={(i) => (
          <>
            <td><TextField cell path={`${tasks}[${i}].name`} label={cellLabel(tasks, i, "name")} /></td>
            <td><TextField cell multiline rows={2} path={`${tasks}[${i}].content`} label={cellLabel(tasks, i, "content")} /></td>
          </>
        )}
      />
      <RowsTable
        list={indicators}
        columns={["level1", "level2", "name", "nature", "target", "unit", "weightPct", "actual", "score"]}
        numericColumns={["weightPct", "score"]}
        renderCells={(i) => (
          <>
            {text(i, "level1")}
            {text(i, "level2")}
            {text(i, "name")}
            <td>
              <SelectField cell path={`${indicators}[${i}].nature`} label={cellLabel(indicators, i, "nature")} options={NATURE_OPTIONS} />
            </td>
            {text(i, "target")}
            {text(i, "unit")}
            {num(i, "weightPct")}
            {text(i, "actual")}
            {num(i, "score")}
          </>
        )}
      />
    </Section>
  );
}
