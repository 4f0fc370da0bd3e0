/**
 * Timezone and locale as the profile keeps them: a canonical IANA zone name and a canonical
 * BCP 47 tag, both checked by the runtime's Intl so sends can rely on them.
 */

/** Building a DateTimeFormat costs tens of microseconds and every call carries a zone: answers are remembered. */
const zoneCache = new Map<string, string | undefined>();
const ZONE_CACHE_SIZE = 1000;

/** Canonical IANA zone (`europe/istanbul` → `Europe/Istanbul`); undefined when Intl does not know it. */
export function normalizeTimezone(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const zone = value.trim();
  // Intl also accepts fixed offsets (`+03:00`); they are not zones and ignore daylight saving.
  if (zone.length === 0 || zone.length > 64 || /^[+-]/.test(zone)) return undefined;
  if (zoneCache.has(zone)) return zoneCache.get(zone);
  const canonical = canonicalZone(zone);
  if (zoneCache.size >= ZONE_CACHE_SIZE) zoneCache.clear();
  zoneCache.set(zone, canonical);
  return canonical;
}

function canonicalZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Canonical BCP 47 tag (`tr_tr` → `tr-TR`); undefined when it is not a well-formed tag. */
export function normalizeLocale(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const tag = value.trim().replace(/_/g, '-');
  if (tag.length === 0 || tag.length > 35) return undefined;
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}

/** The region a locale implies (`tr-TR` → `TR`, `tr` → `TR` by likely subtags). */
export function regionOfLocale(locale: string | undefined): string | undefined {
  if (locale === undefined) return undefined;
  try {
    return new Intl.Locale(locale).maximize().region;
  } catch {
    return undefined;
  }
}
