import { describe, expect, it } from "vitest";
import { safeRedirect } from "~/domain/redirect";
import { REDIRECT_BYPASSES } from "../fixtures/redirect-bypasses";

const FALLBACK = "/home";
const ORIGIN = "https://jixiao.example";

/** Where a browser goes for a Location value: resolved against our origin. */
const lands = (location: string) => new URL(location, ORIGIN);

describe("safeRedirect", () => {
  it.each([
    ["/review", "/review"],
    ["/reports/abc123?tab=flags#section-2", "/reports/abc123?tab=flags#section-2"],
    ["/review?year=2023&status=submitted", "/review?year=2023&status=submitted"],
    ["/dashboard/units?rule=R01", "/dashboard/units?rule=R01"],
    ["/", "/"],
    ["/a/./b/../c", "/a/c"],
    ["/报告?名=值", "/%E6%8A%A5%E5%91%8A?%E5%90%8D=%E5%80%BC"],
    ["/path with space", "/path%20with%20space"],
    ["/unit\n", "/unit"],
    ["/review?next=http://evil.example", "/review?next=http://evil.example"],
  ])("keeps the same-origin path %j as %j", (target, expected) => {
    expect(safeRedirect(target, FALLBACK)).toBe(expected);
  });

  it.each(REDIRECT_BYPASSES.map((b) => [b.name, b.target] as const))("never leaves the origin: %s", (_name, target) => {
    const result = safeRedirect(target, FALLBACK);
    expect(result.startsWith("/")).toBe(true);
    expect(result.startsWith("//")).toBe(false);
    expect(result).not.toMatch(/[\\\u0000-\u001f\u007f\s]/u);
    expect(lands(result).origin).toBe(ORIGIN);
    // Idempotent: what we emit is accepted unchanged.
    expect(safeRedirect(result, "/other")).toBe(result);
  });

  it.each(REDIRECT_BYPASSES.filter((b) => b.refused).map((b) => [b.name, b.target] as const))("refuses outright: %s", (_name, target) => {
    expect(safeRedirect(target, FALLBACK)).toBe(FALLBACK);
  });

  it.each([[undefined], [null], [42], [{}], [["/x"]], [""], [`/${"x".repeat(3000)}`]])("falls back for %#", (target) => {
    expect(safeRedirect(target, FALLBACK)).toBe(FALLBACK);
    expect(safeRedirect(target, null)).toBeNull();
  });
});
