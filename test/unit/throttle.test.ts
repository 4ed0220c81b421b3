import { describe, expect, it } from "vitest";
import { addressGroup, judgeTiers, progressiveTiers, retryAfterText, THROTTLE_WINDOW_MS, type AttemptRow } from "~/auth/throttle.server";

describe("addressGroup: the network an address counts for", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    [" 203.0.113.7 ", "203.0.113.7"],
    ["010.001.002.003", "10.1.2.3"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["::FFFF:203.0.113.7", "203.0.113.7"],
    ["0:0:0:0:0:ffff:203.0.113.7", "203.0.113.7"],
    ["::ffff:cb00:7107", "203.0.113.7"],
    ["[::ffff:127.0.0.1]", "127.0.0.1"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002::1", "2001:db8:1:2::/64"],
    ["2001:DB8:1:2::abcd", "2001:db8:1:2::/64"],
    ["2001:db8::1", "2001:db8:0:0::/64"],
    ["2001:db8:1:3::1", "2001:db8:1:3::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["[2001:db8:1:2::9]", "2001:db8:1:2::/64"],
    ["::1", "0:0:0:0::/64"],
    ["64:ff9b::203.0.113.7", "64:ff9b:0:0::/64"],
    ["unknown", "other:unknown"],
    ["", "other:unknown"],
    ["999.1.1.1", "other:999.1.1.1"],
    ["1:2:3:4:5:6:7:8:9", "other:1:2:3:4:5:6:7:8:9"],
    ["2001:db8::1::2", "other:2001:db8::1::2"],
    ["evil|key}x", "other:evil_key_x"],
  ])("%j → %j", (address, group) => {
    expect(addressGroup(address)).toBe(group);
  });

  it("puts every address of one /64 in one group, and neighbouring /64s apart", () => {
    const groups = new Set(Array.from({ length: 50 }, (_, i) => addressGroup(`2001:db8:aa:bb:${i.toString(16)}:1:2:${(i * 7).toString(16)}`)));
    expect([...groups]).toEqual(["2001:db8:aa:bb::/64"]);
    expect(addressGroup("2001:db8:aa:bc::1")).not.toBe(addressGroup("2001:db8:aa:bb::1"));
  });
});

describe("judgeTiers: the progressive limit of one key", () => {
  const t = 10 * 24 * 3_600_000;
  const tiers = progressiveTiers(5);
  const failed = (minutesAgo: number): AttemptRow => ({ at: t - minutesAgo * 60_000, state: 0 });
  const inFlight = (msAgo = 0): AttemptRow => ({ at: t - msAgo, state: 2 });
  const own = inFlight();

  it.each([
    ["first attempt", [own], "pass"],
    ["4 failures, then this one", [failed(1), failed(2), failed(3), failed(4), own], "pass"],
    ["5 failures in 15 minutes", [...[1, 2, 3, 4, 5].map(failed), own], "refuse"],
    ["5 failures 16 minutes ago", [...[16, 17, 18, 19, 20].map(failed), own], "pass"],
    ["10 failures in the hour", [...[16, 17, 18, 19, 20, 30, 31, 32, 33, 34].map(failed), own], "refuse"],
    ["10 failures spread over 2 hours", [...[16, 17, 18, 19, 20, 70, 71, 72, 73, 74].map(failed), own], "pass"],
    ["4 failures and 1 in flight", [...[1, 2, 3, 4].map(failed), inFlight(5), own], "wait"],
    ["0 failures and 7 in flight (a burst)", [...Array.from({ length: 7 }, () => inFlight(3)), own], "wait"],
    ["4 failures and 1 stale in flight", [...[1, 2, 3, 4].map(failed), inFlight(60_000), own], "refuse"],
  ] as const)("%s → %s", (_what, rows, verdict) => {
    expect(judgeTiers([...rows], tiers, t).verdict).toBe(verdict);
  });

  it("says when the oldest counted failure leaves the window", () => {
    const verdict = judgeTiers([...[2, 3, 4, 5, 6].map(failed), own], tiers, t);
    expect(verdict).toEqual({ verdict: "refuse", retryAfterMs: THROTTLE_WINDOW_MS - 6 * 60_000 });
    expect(retryAfterText(9 * 60)).toBe("9分钟");
    expect(retryAfterText(5 * 3600)).toBe("5小时");
  });

  describe("the queue of attempts waiting in flight", () => {
    const row = (msAgo: number, id: string): AttemptRow => ({ at: t - msAgo, state: 2, id });
    // A burst of 8 reserved in order a…h; the limit leaves 5 places (no failures).
    const burst = ["a", "b", "c", "d", "e", "f", "g", "h"].map((id, k) => row(100 - k, id));
    const judge = (rows: AttemptRow[], own: AttemptRow) => judgeTiers(rows, tiers, t, own);

    it("keeps the earliest five in the queue and sends the rest back", () => {
      expect(burst.map((own) => judge(burst, own))).toEqual([
        ...Array(5).fill({ verdict: "wait", queued: true }),
        ...Array(3).fill({ verdict: "wait", queued: false }),
      ]);
    });

    it("counts failures as taken places: with 3 failures only the two earliest queue", () => {
      const rows = [failed(1), failed(2), failed(3), ...burst];
      expect(burst.map((own) => judge(rows, own).verdict === "wait" && (judge(rows, own) as { queued: boolean }).queued)).toEqual([true, true, false, false, false, false, false, false]);
    });

    it("orders attempts of the same millisecond by id, the same way in every key", () => {
      const [x, y] = [row(0, "k1"), row(0, "k2")];
      const crowd = [...Array.from({ length: 4 }, (_, k) => row(50, `early${k}`)), x, y];
      expect(judge(crowd, x)).toEqual({ verdict: "wait", queued: true });
      expect(judge(crowd, y)).toEqual({ verdict: "wait", queued: false });
    });

    it("passes only when every attempt in flight fits: the queue never lets more through", () => {
      const five = burst.slice(0, 5);
      expect(five.map((own) => judge(five, own).verdict)).toEqual(Array(5).fill("pass"));
      expect(judge([...five, row(0, "z")], five[0]).verdict).toBe("wait");
    });

    it("an attempt not yet reserved never queues", () => {
      expect(judgeTiers([...burst, own], tiers, t)).toEqual({ verdict: "wait", queued: false });
    });
  });

  it("never refuses for ever: every tier's failures age out within a day", () => {
    const many = Array.from({ length: 200 }, (_, i) => failed(i));
    expect(judgeTiers([...many, own], tiers, t).verdict).toBe("refuse");
    expect(judgeTiers([...many, own], tiers, t + 24 * 3_600_000).verdict).toBe("pass");
  });
});
