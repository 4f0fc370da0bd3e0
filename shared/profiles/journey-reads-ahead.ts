/**
 * What a batch's journey messages read, read before the batch is processed (decision 256): a
 * `wake` or an `engagement` reads its customer's profile and the run it names, a `schedule` its
 * customer's profile. Read one at a time, a batch of ten wakes made twenty reads; read ahead, two
 * (a BatchGetItem of profiles and one of runs), served by the batch's caches to the message that
 * needs each. Every write stays conditional on the version read, as with the caches' other entries.
 */
import type { CustomerMessage } from '../events/messages.js';
import type { BatchRunCache } from '../journeys/batch-run-cache.js';
import type { RunKey } from '../journeys/journey-store.js';
import type { BatchProfileCache } from './batch-profile-cache.js';

export async function readJourneysAhead(
  caches: { profiles: BatchProfileCache; runs: BatchRunCache | null },
  messages: readonly (CustomerMessage | undefined)[],
): Promise<void> {
  if (!caches.runs) return;
  const customers: string[] = [];
  const runs: RunKey[] = [];
  for (const message of messages) {
    if (message?.kind === 'wake' || message?.kind === 'engagement') {
      customers.push(message.customerId);
      runs.push({ customerId: message.customerId, journeyId: message.journeyId, runId: message.runId });
    } else if (message?.kind === 'schedule') customers.push(message.customerId);
  }
  await Promise.all([caches.profiles.prefetch(customers), caches.runs.prefetch(runs)]);
}
