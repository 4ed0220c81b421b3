import { describe, expect, it } from "vitest";
import { sameOrigin } from "~/server/http.server";

const request = (headers: Record<string, string>) => ({ get: (name: string) => headers[name.toLowerCase()] });

describe("sameOrigin", () => {
  it.each([
    ["Origin of this host", { origin: "http://app.example:3000", host: "app.example:3000" }, true],
    ["Referer of this host, no Origin", { referer: "http://app.example:3000/reports/1?x=1", host: "app.example:3000" }, true],
    ["foreign Origin", { origin: "http://evil.example", host: "app.example:3000" }, false],
    ["foreign Referer", { referer: "http://evil.example/app.example:3000", host: "app.example:3000" }, false],
    ["Origin wins over a same-host Referer", { origin: "http://evil.example", referer: "http://app.example:3000/", host: "app.example:3000" }, false],
    ["other port", { origin: "http://app.example:1", host: "app.example:3000" }, false],
    ["look-alike host", { origin: "http://app.example:3000.evil.example", host: "app.example:3000" }, false],
    ["Origin null", { origin: "null", host: "app.example:3000" }, false],
    ["neither header", { host: "app.example:3000" }, false],
    ["empty Origin", { origin: "", host: "app.example:3000" }, false],
    ["no Host", { origin: "http://app.example:3000" }, false],
    // Not URLs: refused, never a thrown TypeError (which was a 500).
    ["Referer ::::", { referer: "::::", host: "app.example:3000" }, false],
    ["Referer null", { referer: "null", host: "app.example:3000" }, false],
    ["Referer a bare path", { referer: "/reports/1", host: "app.example:3000" }, false],
    ["Referer http://", { referer: "http://", host: "app.example:3000" }, false],
    ["Origin ::::", { origin: "::::", host: "app.example:3000" }, false],
    ["file: Referer", { referer: "file:///etc/passwd", host: "" }, false],
  ])("%s → %s", (_name, headers, expected) => {
    expect(sameOrigin(request(headers))).toBe(expected);
  });
});
