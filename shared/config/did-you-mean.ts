/** "Did you mean …?" for names in campaign files: the known name a typo was probably meant to be. */
import { closest, distance } from 'fastest-levenshtein';

/** The closest candidate when it is a plausible typo (case, a letter or two). */
export function nearest(text: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const lower = candidates.find((candidate) => candidate.toLowerCase() === text.toLowerCase());
  if (lower !== undefined && lower !== text) return lower;
  const best = closest(text, [...candidates]);
  const allowed = text.length <= 3 ? 1 : Math.min(3, Math.max(2, Math.floor(text.length / 3)));
  return best !== text && distance(text, best) <= allowed ? best : undefined;
}
