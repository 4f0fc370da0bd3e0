/**
 * Entries of the profile's recent-id ring (DESIGN "Events": redelivery changes nothing). Ids are
 * stored as a kind letter plus 60 bits of their sha256: a Segment messageId is a 36-character
 * UUID, and 24 of them would take most of the 1 KB a profile write should cost. Within a ring of
 * 24 entries a false "already applied" would need a 60-bit collision.
 */
import { createHash } from 'node:crypto';

/** `e` an event's messageId, `o` an order id, `i` an order import batch. */
export type RecentIdKind = 'e' | 'o' | 'i';

export function recentId(kind: RecentIdKind, id: string): string {
  return `${kind}${createHash('sha256').update(id, 'utf8').digest('base64url').slice(0, 10)}`;
}
