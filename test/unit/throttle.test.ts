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

  it("never refuses for ever: every tier's failures age out within a day", () => {
    const many = Array.from({ length: 200 }, (_, i) => failed(i));
    expect(judgeTiers([...many, own], tiers, t).verdict).toBe("refuse");
    expect(judgeTiers([...many, own], tiers, t + 24 * 3_600_000).verdict).toBe("pass");
  });
});
