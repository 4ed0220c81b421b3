/**
 * Per-county values (figures, unit rows, status and unit counts) cached while the county's data
 * version (counties.data_version) stands: a city's 200 counties are not recounted on every
 * request, only those changed since. One cache per database (tests open several), bounded: a
 * county's figures are a few hundred bytes, its unit rows ~20 KB.
 */
import type { Kysely } from "kysely";
import type { Database } from "#db/schema";
import { LruCache } from "~/utils/lru";

export type CountyVersions = Map<string, { version: string; name: string }>;

const caches = new WeakMap<Kysely<Database>, LruCache<string, { version: string; value: unknown }>>();

function cacheOf(db: Kysely<Database>) {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new LruCache(5_000)));
  return cache;
}

/**
 * Each county's data version and name, in county code order, read before any figure so a
 * cached figure is never older than its label.
 */
export async function dataVersions(db: Kysely<Database>, countyIds: string[]): Promise<CountyVersions> {
  if (!countyIds.length) return new Map();
  const rows = await db.selectFrom("counties").select(["id", "name", "data_version"]).where("id", "in", countyIds).orderBy("code").execute();
  return new Map(rows.map((r) => [r.id, { version: String(r.data_version), name: r.name }]));
}

/**
 * Per county, the cached value if its version still stands, else computed for all stale
 * counties at once by `compute` (one grouped query, however many counties) and cached.
 */
export async function perCounty<T>(
  db: Kysely<Database>,
  versions: Map<string, { version: string }>,
  key: (countyId: string) => string,
  compute: (countyIds: string[]) => Promise<Map<string, T>>,
  empty: () => T,
): Promise<Map<string, T>> {
  const cache = cacheOf(db);
  const out = new Map<string, T>();
  const stale: string[] = [];
  for (const [countyId, { version }] of versions) {
    const hit = cache.get(key(countyId));
    if (hit && hit.version === version) out.set(countyId, hit.value as T);
    else stale.push(countyId);
  }
  if (stale.length) {
    const fresh = await compute(stale);
    for (const countyId of stale) {
      const value = fresh.get(countyId) ?? empty();
      cache.set(key(countyId), { version: versions.get(countyId)!.version, value });
      out.set(countyId, value);
    }
  }
  return out;
}
