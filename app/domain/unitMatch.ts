/**
 * Matching a received report to its unit by name: the name the report states (or its file
 * name) against the county's units. Exact after normalising; otherwise a unique unit whose
 * name contains it (总工会 → 泸县总工会) or is contained in it; anything else is left to a person.
 */
export interface UnitCandidate {
  id: string;
  name: string;
}

export type UnitMatch =
  | { kind: "matched"; unit: UnitCandidate; how: "exact" | "partial" }
  | { kind: "ambiguous"; candidates: UnitCandidate[] }
  | { kind: "none" };

export function normalizeUnitName(name: string): string {
  return name
    .normalize("NFKC")
    .replace(/\s+/g, "")
    .replace(/[（(][^）)]*[)）]/g, "")
    .replace(/\d{4}年度?|部门|预算|绩效|自评|评价|报告|整体|支出|\.(txt|docx|xlsx)$/gi, "")
    .trim();
}

export function matchUnit(statedNames: Array<string | null | undefined>, units: readonly UnitCandidate[]): UnitMatch {
  const normalized = units.map((u) => ({ unit: u, key: normalizeUnitName(u.name) }));
  for (const stated of statedNames) {
    const key = normalizeUnitName(stated ?? "");
    if (key.length < 2) continue;
    const exact = normalized.filter((u) => u.key === key);
    if (exact.length === 1) return { kind: "matched", unit: exact[0].unit, how: "exact" };
    if (exact.length > 1) return { kind: "ambiguous", candidates: exact.map((u) => u.unit) };
    const partial = normalized.filter((u) => u.key.includes(key) || key.includes(u.key));
    if (partial.length === 1) return { kind: "matched", unit: partial[0].unit, how: "partial" };
    if (partial.length > 1) return { kind: "ambiguous", candidates: partial.map((u) => u.unit) };
  }
  return { kind: "none" };
}
