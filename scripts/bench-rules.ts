/**
 * Times checkReport on a generated 50-line / 30-indicator report.
 *   npx tsx scripts/bench-rules.ts [iterations]
 */
import { performance } from "node:perf_hooks";
import { emptyReport, type ReportDocument } from "../app/domain/report";
import { checkReport } from "../app/domain/rules/index";

function benchReport(): ReportDocument {
  const doc = emptyReport("基准测试单位", 2024);
  doc.staffing = { authorized: { admin: 20, institution: 40, total: 60 }, actual: { admin: 21, institution: 38, total: 59 }, retired: 5 };
  const codes = ["2012901", "2012999", "2080505", "2080506", "2101101", "2210201", "2050101", "2130101", "2240101", "9990101"];
  doc.expenditure.lines = Array.from({ length: 50 }, (_, i) => {
    const final = (100 + i * 7.31).toFixed(2);
    const budget = (100 + i * 7.5).toFixed(2);
    return { code: codes[i % codes.length], name: `科目${i + 1}`, budget, final, statedRatePct: ((Number(final) / Number(budget)) * 100).toFixed(2) };
  });
  const total = doc.expenditure.lines.reduce((s, l) => s + Math.round(Number(l.final) * 100), 0) / 100;
  doc.expenditure.total = total.toFixed(2);
  doc.income = { initialBudget: (total * 0.8).toFixed(2), adjustedBudget: (total * 1.05).toFixed(2), total: (total + 10).toFixed(2), fiscal: (total + 10).toFixed(2) };
  doc.carryover = "10.00";
  doc.budgetManagement = { statedDeviationPct: "25", adjustments: [{ reason: "追加", amount: (total * 0.2).toFixed(2) }] };
  doc.projects = {
    recurring: { count: 40, amount: (total * 0.9).toFixed(2), executionPct: "95", overBalanceCount: 1 },
    oneOff: { count: 3, amount: (total * 0.2).toFixed(2), executionPct: "80", overBalanceCount: 0 },
  };
  const natures = ["≥", "≤", "=", "定性", "大于等于", "满意率"];
  doc.targets = {
    totalFunds: doc.income.total, fiscal: doc.income.total, other: "0", overallGoal: "目标", tasks: [],
    indicators: Array.from({ length: 30 }, (_, i) => {
      const nature = natures[i % natures.length];
      const weight = i < 10 ? "4" : i < 20 ? "3" : "3";
      return {
        level1: "产出指标", level2: "数量指标", name: `指标${i + 1}`, nature,
        target: nature === "定性" ? "优良中低差" : String(50 + i),
        unit: "个", weightPct: weight,
        actual: nature === "定性" ? ["优", "良", "中"][i % 3] : String(40 + i * 3),
        score: (Number(weight) * 0.9).toFixed(1),
      };
    }),
  };
  doc.selfScore = "90";
  doc.selfGrade = "优";
  return doc;
}

const iterations = Number(process.argv[2] ?? 20_000);
const doc = benchReport();
const ctx = {
  previousSelfScore: "70",
  county: { executionRates: Array.from({ length: 60 }, (_, i) => 85 + (i % 15)), selfScores: Array.from({ length: 60 }, (_, i) => 75 + (i % 25)) },
};

let flags = 0;
for (let i = 0; i < 2_000; i++) flags = checkReport(doc, ctx).length; // warm up the JIT
const start = performance.now();
for (let i = 0; i < iterations; i++) flags = checkReport(doc, ctx).length;
const elapsed = performance.now() - start;
console.log(`checkReport: 50 lines, 30 indicators, ${flags} flags — ${iterations} iterations in ${elapsed.toFixed(0)} ms → ${((elapsed * 1000) / iterations).toFixed(1)} µs per check`);
