/**
 * Which profile an event lands on (DESIGN "Identity"; docs/decisions.md, "the spine" 1).
 * Known customers are their userId; anonymous visitors are `anon:<anonymousId>`, so a userId and
 * an anonymousId that happen to be the same string never share a profile. Ingest rejects
 * userIds with this prefix for the same reason.
 */
import type { IdentityMap } from '../ports.js';

export const ANONYMOUS_CUSTOMER_PREFIX = 'anon:';

export function anonymousCustomerId(anonymousId: string): string {
  return `${ANONYMOUS_CUSTOMER_PREFIX}${anonymousId}`;
}

export function isAnonymousCustomerId(customerId: string): boolean {
  return customerId.startsWith(ANONYMOUS_CUSTOMER_PREFIX);
}

/** The ids of one call that decide its customer (alias calls always carry userId). */
export interface CallIdentity {
  userId?: string | undefined;
  anonymousId?: string | undefined;
}

/**
 * Customer ids for a request's events, in order: the userId when there is one, else the user
 * the anonymous id is linked to, else the anonymous profile. All anonymous-only events are
 * looked up with one `IdentityMap.resolve` call (none when there are none).
 */
export async function resolveCustomerIds(identity: IdentityMap, calls: readonly CallIdentity[]): Promise<string[]> {
  const anonymousOnly = [
    ...new Set(
      calls.flatMap((call) => (call.userId === undefined && call.anonymousId !== undefined ? [call.anonymousId] : [])),
    ),
  ];
  const linked = anonymousOnly.length > 0 ? await identity.resolve(anonymousOnly) : new Map<string, string>();
  return calls.map((call) => {
    if (call.userId !== undefined) return call.userId;
    if (call.anonymousId === undefined)
      throw new Error('a call without userId or anonymousId has no customer (normalize rejects these)');
    return linked.get(call.anonymousId) ?? anonymousCustomerId(call.anonymousId);
  });
}
