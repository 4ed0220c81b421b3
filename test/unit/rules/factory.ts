/**
 * A small, fully consistent report that raises no flag at all; tests mutate one thing.
 * Numbers are written with 2 decimals as in real reports, so sum tolerances are small:
 * nine lines + total → 10 × 0.005 = 0.05.
 */
import { emptyReport, type ReportDocument } from "~/domain/report";

export function consistentReport(mutate?: (doc: ReportDocument) => void): ReportDocument {
  const doc = emptyReport("测试单位", 2024);
  doc.staffing = {
    authorized: { admin: 5, institution: 10, total: 15 },
    actual: { admin: 5, institution: 9, total: 14 },
    retired: 2,
  };
  doc.income = { initialBudget: "500.00", adjustedBudget: "520.00", total: "520.00", fiscal: "500.00", other: "20.00" };
  const line = (code: string, name: string, budget: string, final: string, statedRatePct?: string) =>
    ({ code, name, budget, final, ...(statedRatePct ? { statedRatePct } : {}) });
  doc.expenditure = {
    total: "510.00",
    lines: [
      line("2012901", "行政运行", "200.00", "196.00", "98"),
      line("2012999", "其他群众团体事务支出", "100.00", "100.00"),
      line("2080505", "机关事业单位基本养老保险缴费支出", "50.50", "50.50"),
      line("2080506", "机关事业单位职业年金缴费支出", "20.25", "20.25"),
      line("2080801", "死亡抚恤", "1.25", "1.25"),
      line("2101101", "行政单位医疗", "10.00", "10.00"),
      line("2101102", "事业单位医疗", "12.00", "12.00"),
      line("2101103", "公务员医疗补助", "5.00", "5.00"),
      line("2210201", "住房公积金", "115.00", "115.00"),
    ],
  };
  doc.carryover = "10.00";
  doc.budgetManagement = { statedDeviationPct: "2.00", adjustments: [{ reason: "年中追加项目预算", amount: "10.00" }] };
  doc.projects = {
    recurring: { count: 5, amount: "400.00", executionPct: "98", overBalanceCount: 0 },
    oneOff: { count: 1, amount: "100.00", executionPct: "100", overBalanceCount: 0 },
  };
  doc.selfScore = "96";
  doc.selfGrade = "优";
  const ind = (level1: string, level2: string, name: string, nature: string, target: string, unit: string | null, weightPct: string, actual: string, score: string) =>
    ({ level1, level2, name, nature, target, unit, weightPct, actual, score });
  doc.targets = {
    totalFunds: "520.00",
    fiscal: "500.00",
    other: "20.00",
    overallGoal: "完成年度工作任务。",
    tasks: [{ name: "组织建设", content: "新建组织10个" }],
    indicators: [
      ind("产出指标", "数量指标", "完成数量", "≥", "100", "个", "30", "110", "30"),
      ind("产出指标", "质量指标", "合格率", "≥", "95", "%", "20", "96", "20"),
      ind("成本指标", "经济成本指标", "单位成本", "≤", "100", "元", "20", "105", "19"), // formula: (1 − 5/100)·20 = 19
      ind("效益指标", "社会效益指标", "社会效益", "定性", "优良中低差", null, "20", "良", "17"), // 85%: 良
      ind("满意度指标", "满意度指标", "服务对象满意度", "≥", "90", "%", "10", "92", "10"),
    ],
  };
  mutate?.(doc);
  return doc;
}
