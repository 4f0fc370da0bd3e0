/**
 * After the phases: the message's archive row (issue 23). process-events writes the archive, not
 * ingest: only here is the customer resolved, the customer's archive key at hand, and a client
 * retry told apart from a new event (a redelivery ends `duplicate` and archives nothing).
 *
 * - an accepted event: one `events` row (an alias too, unless it repeated a merge already done);
 * - an engagement message: one `engagement` row; an unsubscribe (consent revoked by its link): one
 *   `engagement` row of type `unsubscribed`.
 */
import { Pseudonyms } from '../../archive/pseudonym.js';
import { engagementRow, eventRow } from '../../archive/rows.js';
import { anonymousCustomerId } from '../../identity/customer-id.js';
import type { Profile } from '../schema.js';
import type { MessageState, ProcessDeps } from './message-state.js';

export async function archiveMessage(deps: ProcessDeps, state: MessageState): Promise<void> {
  const archive = deps.archive;
  if (!archive) return;
  const { message } = state;
  switch (message.kind) {
    case 'event': {
      const { event } = message;
      const accepted = event.type === 'alias' ? state.merge !== 'already_merged' : state.status === 'applied';
      if (!accepted) return;
      const ids = new Pseudonyms((await profileOf(deps, state))?.archiveKey);
      archive.add(
        'events',
        eventRow({
          event,
          source: message.source,
          customerId: state.customerId,
          ids,
          mergedAnonymous: await mergedAnonymous(deps, state),
        }),
      );
      return;
    }
    case 'engagement': {
      const ids = new Pseudonyms((await profileOf(deps, state))?.archiveKey);
      const channel = (message as { channel?: unknown }).channel;
      archive.add(
        'engagement',
        engagementRow({
          type: message.type,
          messageId: message.messageId,
          channel: typeof channel === 'string' ? channel : 'email',
          journeyId: message.journeyId,
          runId: message.runId,
          stepId: message.stepId,
          at: message.at,
          customerId: state.customerId,
          ids,
        }),
      );
      return;
    }
    case 'consent': {
      // Counted whether or not the profile changed: the link's atomic update may have revoked it already.
      if (message.source !== 'unsubscribe' || message.granted) return;
      const ids = new Pseudonyms((await profileOf(deps, state))?.archiveKey);
      archive.add(
        'engagement',
        engagementRow({
          type: 'unsubscribed',
          channel: message.channel,
          at: message.at,
          customerId: state.customerId,
          ids,
        }),
      );
      return;
    }
    default:
      return;
  }
}

/** The profile the message landed on: as the profile phase wrote it, else as stored. */
async function profileOf(deps: ProcessDeps, state: MessageState): Promise<Profile | undefined> {
  const written = state.written?.profile;
  if (written?.id === state.customerId) return written;
  return deps.profiles.getProfile(state.customerId);
}

/** The `customer` pseudonym of the anonymous profile an identify or alias merged (replay merges the same two). */
async function mergedAnonymous(deps: ProcessDeps, state: MessageState): Promise<string | null> {
  if (state.message.kind !== 'event' || (state.merge !== 'merged' && state.merge !== 'already_merged')) return null;
  const { event } = state.message;
  const anonymousId = event.type === 'alias' ? event.previousId : event.anonymousId;
  if (anonymousId === undefined) return null;
  const profileId = anonymousCustomerId(anonymousId);
  const anonymous = await deps.profiles.getProfile(profileId);
  return new Pseudonyms(anonymous?.archiveKey).of('customer', profileId);
}
