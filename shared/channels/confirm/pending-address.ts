/**
 * Where a double opt-in confirmation may go. A file of its own: process-events (which asks for a
 * confirmation) and the confirm page read it, and neither bundles the send side's email
 * composition (decision 261).
 */
import type { Profile } from '../../profiles/schema.js';

/** The pending address a confirmation may go to: pending, with a pending email grant, and not the confirmed one. */
export function pendingAddress(profile: Profile | undefined): string | undefined {
  const pending = profile?.pending;
  const grant = pending?.consent?.email;
  if (!pending?.email || grant?.granted !== true) return undefined;
  // An opt-out after the grant (the unsubscribe link of an earlier address, say) is the customer's
  // latest word: no confirmation is sent for the older grant, and a link already sent confirms nothing.
  const current = profile?.consent.email;
  if (current?.granted === false && Date.parse(current.at) > Date.parse(grant.at)) return undefined;
  return pending.email.address === profile?.channels.email ? undefined : pending.email.address;
}
