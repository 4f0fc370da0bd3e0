/**
 * The send handler's archive row: one `decisions` row per decision (a deferral now, its send or
 * refusal later are two decisions), with the reason, journey, step, variant and the provider's
 * message id — pseudonymised under the customer's archive key, read from the profile.
 */
import type { SendOutcome } from '../channels/send-outcome.js';
import type { SendRequest } from '../channels/send-request.js';
import type { Clock, ProfileStore } from '../ports.js';
import type { ArchiveSink } from './ports.js';
import { Pseudonyms } from './pseudonym.js';
import { decisionRow } from './rows.js';

export interface DecisionArchiveDeps {
  profiles: Pick<ProfileStore, 'getProfile'>;
  archive?: ArchiveSink;
  clock: Clock;
}

export async function archiveDecision(
  deps: DecisionArchiveDeps,
  request: SendRequest,
  outcome: SendOutcome,
): Promise<void> {
  if (!deps.archive) return;
  const profile = await deps.profiles.getProfile(request.customerId);
  deps.archive.add(
    'decisions',
    decisionRow({
      request,
      outcome,
      ids: new Pseudonyms(profile?.archiveKey),
      decidedAt: deps.clock.now().toISOString(),
    }),
  );
}
