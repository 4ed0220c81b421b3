import { describe, expect, it } from "vitest";
import { COUNTED_STATUSES, isLate, isOutstanding, isSubmitted, outstandingUnits } from "~/domain/submission";
import { REPORT_STATUSES } from "~/domain/vocabulary";

describe("submitted and outstanding", () => {
  it("split every status: submitted and approved count, a draft or a returned report must still be (re)submitted", () => {
    expect(REPORT_STATUSES.filter(isSubmitted)).toEqual(["submitted", "approved"]);
    expect(REPORT_STATUSES.filter(isOutstanding)).toEqual(["draft", "returned"]);
    expect([...COUNTED_STATUSES]).toEqual(REPORT_STATUSES.filter(isSubmitted));
  });

  it("counts a unit without a report as outstanding", () => {
    expect(isSubmitted(null)).toBe(false);
    expect(isOutstanding(null)).toBe(true);
    expect(isOutstanding(undefined)).toBe(true);
  });

  it("counts outstanding units as the units less the counted reports, returned ones included in the outstanding", () => {
    // One unit in each state: no report, draft, submitted, returned, approved.
    expect(outstandingUnits(5, { draft: 1, submitted: 1, returned: 1, approved: 1 })).toBe(3);
    expect(outstandingUnits(5, {})).toBe(5);
    expect(outstandingUnits(2, { submitted: 1, approved: 1, returned: 0 })).toBe(0);
    // Never below zero, whatever the counts say.
    expect(outstandingUnits(1, { submitted: 2 })).toBe(0);
  });
});

describe("isLate", () => {
  const deadline = Date.UTC(2024, 2, 31, 16);
  it.each([
    [deadline + 1, deadline, true],
    [deadline, deadline, false],
    [deadline - 86_400_000, deadline, false],
    [null, deadline, false],
    [undefined, deadline, false],
    [deadline + 1, null, false],
    [deadline + 1, undefined, false],
    [null, null, false],
  ])("submitted %j, deadline %j → %j", (submittedAt, d, expected) => expect(isLate(submittedAt, d)).toBe(expected));
});
