/**
 * The generator's pipeline of report batches, in write order (years in order, whole
 * county-years per batch): plans each county-year and derives its rows, keeping last year's
 * scores in memory for SCORE_JUMP. Runs in a worker thread (generate-worker.ts) so that
 * deriving the next batch overlaps with inserting the previous one, or inline.
 */
import { prepareReportBatch, type PreparedBatch } from "../bulk";
import { campaignFor, planCountyYear, type CountyPlan, type PlannedEvent, type PlannedReport, type ProvincePlan } from "./dataset";

export interface ProducedBatch {
  year: number;
  index: number;
  batch: PreparedBatch;
}

export function* produceBatches(plan: ProvincePlan, countiesPerBatch: number): Generator<ProducedBatch> {
  const scores = new Map<string, Map<string, string>>();
  let index = 0;
  for (const year of plan.years) {
    const campaigns = new Map(plan.counties.map((c) => [c.id, campaignFor(plan, c, year)]));
    for (let start = 0; start < plan.counties.length; start += countiesPerBatch) {
      const reports: PlannedReport[] = [];
      const extra: Array<{ county: CountyPlan; event: PlannedEvent }> = [];
      for (const county of plan.counties.slice(start, start + countiesPerBatch)) {
        const planned = planCountyYear(plan, county, year);
        reports.push(...planned.reports);
        for (const event of planned.events) extra.push({ county, event });
      }
      const batch = prepareReportBatch(reports, extra, {
        campaign: (countyId) => {
          const c = campaigns.get(countyId)!;
          return { settings: c.settings, deadline: c.deadline };
        },
        // The counties are new: no reports before the first year.
        previousScores: (countyId, y) => (y < plan.years[0] ? new Map() : scores.get(`${countyId}:${y}`)),
      });
      for (const [key, list] of batch.scores) scores.set(key, new Map(list));
      yield { year, index: index++, batch };
    }
    for (const key of [...scores.keys()]) if (key.endsWith(`:${year - 1}`)) scores.delete(key);
  }
}
