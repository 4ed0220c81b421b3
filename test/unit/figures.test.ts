import { describe, expect, it } from "vitest";
import { average, chinaDay, deviationPct, emptySums, executionRatePct, totalDetail, totalSums, type FigureSums } from "~/domain/figures";
import { LruCache } from "~/utils/lru";

const sums = (over: Partial<FigureSums>): FigureSums => ({ ...emptySums(), ...over });

describe("county figures", () => {
  it("add up to what one aggregate over all rows gives: money exactly, averages as sum and count", () => {
    const a = sums({ reports: 2, adjustedBudgetFen: 9_007_199_254_740_993n, expenditureFen: 1n, selfScoreSum: 180, selfScoreCount: 2, deviating: 1, openFlags: 3 });
    const b = sums({ reports: 1, adjustedBudgetFen: 2n, expenditureFen: 2n, selfScoreSum: 60, selfScoreCount: 1, formulaScoreSum: 70, formulaScoreCount: 1 });
    const t = totalSums([a, b]);
    // Past 2^53: a float sum would lose the last 分.
    expect(t.adjustedBudgetFen).toBe(9_007_199_254_740_995n);
    expect(t).toMatchObject({ reports: 3, expenditureFen: 3n, deviating: 1, openFlags: 3 });
    expect(average(t.selfScoreSum, t.selfScoreCount)).toBe(80);
    expect(average(t.formulaScoreSum, t.formulaScoreCount)).toBe(70);
    expect(average(0, 0)).toBeNull();
    expect(totalSums([])).toEqual(emptySums());
    // The inputs are not changed.
    expect(a.reports).toBe(2);
  });

  it("adds details key by key", () => {
    const one = { statuses: { submitted: 2, draft: 1 }, grades: { 优: 1 }, flags: { "R|error": 1 }, classFen: { "208": 5n }, submissionsByDay: { "2024-03-01": 2 } };
    const two = { statuses: { submitted: 1, approved: 4 }, grades: { 良: 2 }, flags: { "R|error": 2, "S|warning": 1 }, classFen: { "208": 7n, "213": 1n }, submissionsByDay: { "2024-03-02": 1 } };
    expect(totalDetail([one, two])).toEqual({
      statuses: { submitted: 3, draft: 1, approved: 4 }, grades: { 优: 1, 良: 2 }, flags: { "R|error": 3, "S|warning": 1 },
      classFen: { "208": 12n, "213": 1n }, submissionsByDay: { "2024-03-01": 2, "2024-03-02": 1 },
    });
    expect(one.statuses).toEqual({ submitted: 2, draft: 1 });
  });

  it("derives rates from the summed amounts, not by averaging rates", () => {
    const s = sums({ adjustedBudgetFen: 400n, expenditureFen: 300n, initialBudgetFen: 200n });
    expect(executionRatePct(s)).toBe(75);
    expect(deviationPct(s)).toBe(50);
    expect(executionRatePct(emptySums())).toBeNull();
    expect(deviationPct(emptySums())).toBeNull();
  });

  it("counts days in China Standard Time", () => {
    expect(chinaDay(Date.UTC(2024, 2, 1, 15, 59))).toBe("2024-03-01");
    expect(chinaDay(Date.UTC(2024, 2, 1, 16, 0))).toBe("2024-03-02");
  });
});

describe("LruCache", () => {
  it("forgets the least recently used entry first", () => {
    const cache = new LruCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1);
    cache.set("c", 3);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    expect(cache.get("c")).toBe(3);
    expect(cache.size).toBe(2);
    cache.set("a", 10);
    expect(cache.get("a")).toBe(10);
    expect(() => new LruCache(0)).toThrow();
  });
});
