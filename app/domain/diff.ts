/**
 * Field-by-field differences between two revisions of a report, with paths in the flag
 * format (`targets.indicators[4].score`), so a reviewer sees exactly what a resubmission changed.
 */
export interface FieldChange {
  path: string;
  before: string | null;
  after: string | null;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function leaves(value: Json | undefined, path: string, out: Map<string, string | null>) {
  if (value === undefined) return;
  if (value === null || typeof value !== "object") {
    out.set(path, value === null ? null : String(value));
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(path, null);
    value.forEach((item, i) => leaves(item, `${path}[${i}]`, out));
    return;
  }
  for (const [key, child] of Object.entries(value)) leaves(child, path ? `${path}.${key}` : key, out);
}

export function diffDocuments(before: unknown, after: unknown): FieldChange[] {
  const a = new Map<string, string | null>();
  const b = new Map<string, string | null>();
  leaves(before as Json, "", a);
  leaves(after as Json, "", b);
  const changes: FieldChange[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(path) ?? null;
    const y = b.get(path) ?? null;
    if (x !== y) changes.push({ path, before: x, after: y });
  }
  return changes;
}

/** Chinese labels for the paths a reviewer reads most. */
const LABELS: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/^unit\.name$/, () => "单位名称"],
  [/^year$/, () => "年度"],
  [/^staffing\.(authorized|actual)\.(admin|institution|total)$/, (m) => `${m[1] === "authorized" ? "编制" : "实有"}人数·${{ admin: "行政", institution: "事业", total: "合计" }[m[2]]}`],
  [/^staffing\.retired$/, () => "退休人数"],
  [/^income\.(\w+)$/, (m) => ({ initialBudget: "年初预算", adjustedBudget: "调整预算", total: "收入合计", fiscal: "财政拨款收入", other: "其他收入" } as Record<string, string>)[m[1]] ?? m[0]],
  [/^expenditure\.total$/, () => "支出合计"],
  [/^expenditure\.lines\[(\d+)\]\.(\w+)$/, (m) => `支出明细第${Number(m[1]) + 1}行·${({ code: "科目编码", name: "科目名称", budget: "预算数", final: "决算数", statedRatePct: "完成率" } as Record<string, string>)[m[2]] ?? m[2]}`],
  [/^carryover$/, () => "结转结余"],
  [/^budgetManagement\.statedDeviationPct$/, () => "偏离度（报告所述）"],
  [/^budgetManagement\.adjustments\[(\d+)\]\.(\w+)$/, (m) => `调整事项第${Number(m[1]) + 1}条·${m[2] === "reason" ? "原因" : "金额"}`],
  [/^projects\.(recurring|oneOff)\.(\w+)$/, (m) => `${m[1] === "recurring" ? "常年项目" : "一次性项目"}·${({ count: "个数", amount: "金额", executionPct: "执行率", overBalanceCount: "结余率超10%项目数" } as Record<string, string>)[m[2]] ?? m[2]}`],
  [/^selfScore$/, () => "自评得分"],
  [/^selfGrade$/, () => "自评等级"],
  [/^targets\.(totalFunds|fiscal|other|overallGoal)$/, (m) => ({ totalFunds: "资金总额", fiscal: "财政拨款", other: "其他资金", overallGoal: "年度总体目标" } as Record<string, string>)[m[1]]],
  [/^targets\.tasks\[(\d+)\]\.(\w+)$/, (m) => `主要任务第${Number(m[1]) + 1}条·${m[2] === "name" ? "任务名称" : "主要内容"}`],
  [
    /^targets\.indicators\[(\d+)\]\.(\w+)$/,
    (m) => `绩效指标第${Number(m[1]) + 1}行·${({ level1: "一级指标", level2: "二级指标", name: "三级指标", nature: "指标性质", target: "指标值", unit: "度量单位", weightPct: "权重", actual: "实际完成值", score: "得分" } as Record<string, string>)[m[2]] ?? m[2]}`,
  ],
];

export function fieldLabel(path: string): string {
  for (const [pattern, label] of LABELS) {
    const m = path.match(pattern);
    if (m) return label(m);
  }
  return path;
}
