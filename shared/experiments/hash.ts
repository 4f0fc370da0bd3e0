/**
 * GrowthBook's hash (DESIGN "Experiments and holdout", a contract): FNV-1a 32-bit over UTF-16
 * code units, hash version 2 = `fnv1a32(str(fnv1a32(seed + id))) % 10000 / 10000`. Version 2
 * hashes twice because one FNV pass over similar ids ("user1", "user2") is visibly biased.
 * Assignments made here agree with any GrowthBook SDK given the same seed and id.
 */

/** FNV-1a, 32-bit, over `charCodeAt` units as GrowthBook does (not over UTF-8 bytes). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    // Multiplication by the FNV prime 16777619 as shifts, which stays exact in 32 bits.
    hash += (hash << 1) + (hash << 4) + (hash << 7) + (hash << 8) + (hash << 24);
  }
  return hash >>> 0;
}

/** A number in [0, 1) with 4 decimals, the same for the same seed and id everywhere. */
export function hashV2(seed: string, id: string): number {
  return (fnv1a32(String(fnv1a32(seed + id))) % 10000) / 10000;
}
