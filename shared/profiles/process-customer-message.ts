/**
 * The one writer of customer state (DESIGN "One writer per customer"): applies one events-queue
 * message to the customer's profile with an optimistic read-modify-write, and orders with the
 * exactly-once protocol of DESIGN "Events":
 *
 *   O#<orderId> put `pending` (attribute_not_exists) → profile write (skipped when the order id is
 *   already in the recent-id ring) → O# marked `applied`.
 *
 * A crash after the claim leaves `pending`, and the redelivered message re-applies it; an
 * `applied` order is skipped, so a re-posted order never counts twice.
 *
 * With `journeys` configured, every write is followed by the journey phase
 * (shared/journeys/journey-phase.ts): the event and the entered/exited segments start, exit and
 * convert runs; `wake`, `engagement` and `schedule` messages move or start runs.
 */
import type { CustomerMessage } from '../events/messages.js';
import type { NormalizedEvent } from '../events/event.js';
import { ECOMMERCE_EVENTS } from '../events/event.js';
import { anonymousCustomerId, isAnonymousCustomerId } from '../identity/customer-id.js';
import { mergeAnonymousIntoUser, type MergeDeps } from '../identity/merge-anonymous.js';
import type { OrderRecord } from '../ports.js';
import { isErasedOrder } from '../privacy/erased-order.js';
import type { OrderTombstones } from '../privacy/ports.js';
import { applyConsentChange, applyDeviceChange, applyScores } from './apply-internal.js';
import { orderFromEvent } from './order-from-event.js';
import { refundFromEvent, type RefundLedger } from './refund-from-event.js';
import { applyEvent, type ReducerSettings } from './reduce.js';
import { emptyProfile, type Profile } from './schema.js';
import { withVersionRetry } from './version-retry.js';
import { applySegmentMemberships, type SegmentChangeSink, type SegmentChanges } from '../segments/membership-hook.js';
import type { SendQueue } from '../channels/send-request.js';
import type { JourneySignal, RunChange } from '../journeys/engine.js';
import { abandonRunOf, handOverRunOf, journeyPhase, mayConcern, type JourneyDeps } from '../journeys/journey-phase.js';
import { earlierPending, pendingSignal, recordPending, withoutHandled } from '../journeys/pending-segment-changes.js';

export interface ProcessDeps extends MergeDeps {
  settings: ReducerSettings;
  /** Receives entered/exited segments after the write that changed them succeeded. */
  segmentChanges?: SegmentChangeSink;
  /** Journey definitions and run storage: runs start, move and end after each profile write. */
  journeys?: JourneyDeps;
  /** Where journey steps put their SendRequests. */
  sends?: SendQueue;
  /** Observes each journey run change (local trace, simulate). */
  onRunChange?: (change: RunChange) => void;
  /** Hashed order ids of erased customers (shared/privacy): a replayed old order is not counted again. */
  tombstones?: OrderTombstones;
  /** Per-order refund records (`R#`) for the A/B report's net revenue; without it refunds only reach the profile totals. */
  refunds?: RefundLedger;
}

export type ProcessStatus =
  /** The profile changed. */
  | 'applied'
  /** Redelivered or re-posted: nothing changed. */
  | 'duplicate'
  /** Nothing to act on (a wake or engagement without journeys configured, or for no profile): acknowledged, no change. */
  | 'ignored';

export interface ProcessOutcome {
  status: ProcessStatus;
  /** The customer whose profile the message landed on (after identity resolution). */
  customerId: string;
  /** Write capacity units consumed, from ReturnConsumedCapacity. */
  capacityUnits: number;
  /** Identity merge performed along the way, if any. */
  merge?: Awaited<ReturnType<typeof mergeAnonymousIntoUser>>['status'];
}

export async function processCustomerMessage(deps: ProcessDeps, message: CustomerMessage): Promise<ProcessOutcome> {
  switch (message.kind) {
    case 'event':
      return processEvent(deps, message.customerId, message.event);
    case 'consent':
      return updateProfile(deps, message.customerId, (profile) => applyConsentChange(profile, message));
    case 'device':
      return updateProfile(deps, message.customerId, (profile) => applyDeviceChange(profile, message));
    case 'scores':
      return updateProfile(deps, message.customerId, (profile) => applyScores(profile, message));
    case 'recheck':
      // Nothing in the profile changed but time: every segment is evaluated again, and the
      // profile is written only if a membership or the next expiry moved.
      return updateProfile(deps, message.customerId, (profile) => profile, { recheck: true });
    case 'wake':
      return processJourneyMessage(deps, message.customerId, {
        kind: 'wake',
        journeyId: message.journeyId,
        runId: message.runId,
        dueAt: message.dueAt,
      });
    case 'schedule':
      return processJourneyMessage(deps, message.customerId, {
        kind: 'schedule',
        journeyId: message.journeyId,
        slot: message.slot,
      });
    case 'engagement':
      return processJourneyMessage(deps, message.customerId, {
        kind: 'engagement',
        journeyId: message.journeyId,
        runId: message.runId,
        stepId: message.stepId,
        type: message.type,
        at: message.at,
      });
    default: {
      const unreachable: never = message;
      throw new Error(`unknown message kind ${JSON.stringify(unreachable)}`);
    }
  }
}

async function processEvent(
  deps: ProcessDeps,
  queuedCustomerId: string,
  event: NormalizedEvent,
): Promise<ProcessOutcome> {
  let capacityUnits = 0;
  let merge: ProcessOutcome['merge'];
  const linkFrom =
    event.type === 'alias' ? event.previousId : event.type === 'identify' ? event.anonymousId : undefined;
  if (event.userId && linkFrom && linkFrom !== event.userId) {
    const merged = await mergeAnonymousIntoUser(deps, linkFrom, event.userId);
    capacityUnits += merged.capacityUnits;
    merge = merged.status;
    if (merged.status === 'merged' && merged.segmentChanges) await deps.segmentChanges?.publish(merged.segmentChanges);
  }
  // An alias only links identities; it carries nothing for the profile beyond the merge.
  if (event.type === 'alias') {
    return {
      status: merge === 'merged' ? 'applied' : 'duplicate',
      customerId: event.userId ?? queuedCustomerId,
      capacityUnits,
      merge,
    };
  }

  const customerId = await resolveCustomerId(deps, queuedCustomerId, event);
  const order =
    event.type === 'track' && event.event === ECOMMERCE_EVENTS.orderCompleted ? orderFromEvent(event) : undefined;
  const orderRecord: OrderRecord | undefined =
    order?.orderId !== undefined && order.amount > 0
      ? {
          customerId,
          orderId: order.orderId,
          at: event.timestamp,
          amount: order.amount,
          products: order.products,
          messageId: event.messageId,
          status: 'pending',
          ...(order.currency !== undefined ? { currency: order.currency } : {}),
        }
      : undefined;

  if (orderRecord) {
    if (deps.tombstones && (await isErasedOrder(deps.tombstones, customerId, orderRecord.orderId))) {
      return { status: 'duplicate', customerId, capacityUnits, merge };
    }
    const claim = await deps.orders.claimOrder(orderRecord);
    capacityUnits += claim.receipt.capacityUnits;
    if (claim.status === 'applied') return { status: 'duplicate', customerId, capacityUnits, merge };
  }

  const result = await updateProfile(
    deps,
    customerId,
    (profile) => {
      const applied = applyEvent(profile, event, deps.settings);
      return applied.applied ? applied.profile : undefined;
    },
    { recheck: false },
    // Also on a duplicate: a crash after the profile write must not lose the journey step, and
    // run ids derived from the event make the repeat harmless.
    [{ kind: 'event', event }],
  );
  capacityUnits += result.capacityUnits;

  if (orderRecord)
    capacityUnits += (await deps.orders.markOrderApplied(orderRecord.customerId, orderRecord.orderId)).capacityUnits;
  // An idempotent put, also on a duplicate: a crash after the profile write must not lose it.
  const refund = deps.refunds ? refundFromEvent(event, result.customerId) : undefined;
  if (refund && deps.refunds) capacityUnits += (await deps.refunds.recordRefund(refund)).capacityUnits;
  return { ...result, customerId: result.customerId, capacityUnits, merge };
}

/**
 * Anonymous events are routed at ingest, but a login may land between ingest and processing:
 * resolve again here so nothing is written to a profile that has been merged away.
 */
async function resolveCustomerId(deps: ProcessDeps, queuedCustomerId: string, event: NormalizedEvent): Promise<string> {
  if (event.userId) return event.userId;
  if (!isAnonymousCustomerId(queuedCustomerId) || !event.anonymousId) return queuedCustomerId;
  const linked = await deps.identity.resolve([event.anonymousId]);
  return linked.get(event.anonymousId) ?? anonymousCustomerId(event.anonymousId);
}

/**
 * Read-modify-write of one profile, retried on version conflicts. `change` returns the new
 * profile, or undefined when the message changes nothing (a duplicate). A frozen (merged)
 * anonymous profile forwards the change to the customer it was merged into.
 */
async function updateProfile(
  deps: ProcessDeps,
  customerId: string,
  change: (profile: Profile) => Profile | undefined,
  options: { recheck: boolean } = { recheck: false },
  signals: readonly JourneySignal[] = [],
): Promise<ProcessOutcome> {
  const written = await writeProfile(deps, customerId, change, options);
  if (!deps.journeys) return written.outcome;
  const all = written.changes ? [...signals, segmentSignal(written.changes)] : signals;
  if (all.length === 0 && !written.profile?.pendingSegmentChanges) return written.outcome;
  const profile = written.profile ?? (await deps.profiles.getProfile(written.outcome.customerId));
  if (!profile || profile.mergedInto !== undefined) return written.outcome;
  const phase = await runJourneyPhase(deps, deps.journeys, profile, all, written.changes);
  return {
    ...written.outcome,
    status: phase.runsWritten > 0 ? 'applied' : written.outcome.status,
    capacityUnits: written.outcome.capacityUnits + phase.capacityUnits,
  };
}

/** wake (journey-tick) and engagement (ses-feedback): move one run; the profile is only read. */
async function processJourneyMessage(
  deps: ProcessDeps,
  customerId: string,
  signal: JourneySignal,
): Promise<ProcessOutcome> {
  const ignored: ProcessOutcome = { status: 'ignored', customerId, capacityUnits: 0 };
  if (!deps.journeys) return ignored;
  const profile = await deps.profiles.getProfile(customerId);
  if (!profile || profile.mergedInto !== undefined) {
    if (signal.kind !== 'wake' && signal.kind !== 'engagement') return ignored;
    const { store } = deps.journeys;
    const ended =
      profile?.mergedInto !== undefined && signal.kind === 'wake'
        ? await handOverRunOf(store, customerId, profile.mergedInto, signal.journeyId, signal.runId, deps.clock.now())
        : await abandonRunOf(
            store,
            customerId,
            signal.journeyId,
            signal.runId,
            profile ? 'customer merged into another profile' : 'customer profile not found',
            deps.clock.now(),
          );
    return { ...ignored, status: ended ? 'applied' : 'ignored' };
  }
  const phase = await runJourneyPhase(deps, deps.journeys, profile, [signal]);
  return { status: phase.runsWritten > 0 ? 'applied' : 'duplicate', customerId, capacityUnits: phase.capacityUnits };
}

/**
 * The journey phase on `signals`, preceded by the segment changes an earlier write recorded and
 * whose journey step never ran (a crash); those are cleared once the phase has run.
 */
async function runJourneyPhase(
  deps: ProcessDeps,
  journeys: JourneyDeps,
  profile: Profile,
  signals: readonly JourneySignal[],
  ownChanges?: SegmentChanges,
) {
  const replayed = earlierPending(profile, ownChanges);
  const phase = await journeyPhase(
    {
      journeys,
      now: deps.clock.now(),
      writeProfile: async (change) => {
        const written = await writeProfile(deps, profile.id, change);
        return { profile: written.profile, changes: written.changes };
      },
      ...(deps.sends ? { sends: deps.sends } : {}),
      ...(deps.segments ? { segments: deps.segments } : {}),
      ...(deps.onRunChange ? { onRunChange: deps.onRunChange } : {}),
    },
    profile,
    [...replayed.map(pendingSignal), ...signals],
  );
  const handled = profile.pendingSegmentChanges ?? [];
  if (handled.length > 0)
    phase.capacityUnits += (
      await writeProfile(deps, profile.id, (stored) => withoutHandled(stored, handled))
    ).outcome.capacityUnits;
  return phase;
}

function segmentSignal(changes: SegmentChanges): JourneySignal {
  return { kind: 'segments', entered: changes.entered, exited: changes.exited, at: changes.at };
}

interface Written {
  outcome: ProcessOutcome;
  /** The profile as written, or as stored when nothing changed (undefined: none exists). */
  profile?: Profile;
  changes?: SegmentChanges;
}

async function writeProfile(
  deps: ProcessDeps,
  customerId: string,
  change: (profile: Profile) => Profile | undefined,
  options: { recheck: boolean } = { recheck: false },
): Promise<Written> {
  let targetId = customerId;
  const { outcome, changes, profile } = await withVersionRetry(async (): Promise<Written> => {
    for (let hops = 0; ; hops++) {
      const stored = await deps.profiles.getProfile(targetId);
      if (stored?.mergedInto && hops < 3) {
        targetId = stored.mergedInto;
        continue;
      }
      const unchanged = (status: ProcessStatus): Written => ({
        outcome: { status, customerId: targetId, capacityUnits: 0 },
        ...(stored ? { profile: stored } : {}),
      });
      if (options.recheck && !stored) return unchanged('ignored');
      const now = deps.clock.now();
      const changed = change(stored ?? emptyProfile(targetId, now.toISOString()));
      if (!changed) return unchanged('duplicate');
      const evaluated = deps.segments
        ? applySegmentMemberships(deps.segments, options.recheck ? undefined : stored, changed, now)
        : { profile: changed, changes: undefined };
      if (options.recheck && stored && sameSegments(stored, evaluated.profile)) return unchanged('duplicate');
      // The journeys learn of a segment move only after this write: record it with the write,
      // so a crash before the journey step cannot lose it (see pending-segment-changes.ts).
      const concernsJourneys =
        evaluated.changes && deps.journeys && mayConcern(segmentSignal(evaluated.changes), deps.journeys.definitions);
      const toWrite =
        concernsJourneys && evaluated.changes ? recordPending(evaluated.profile, evaluated.changes) : evaluated.profile;
      const written = await deps.profiles.putProfile(toWrite, stored?.version);
      return {
        outcome: { status: 'applied', customerId: targetId, capacityUnits: written.receipt.capacityUnits },
        profile: written.profile,
        ...(evaluated.changes ? { changes: evaluated.changes } : {}),
      };
    }
  });
  if (changes) await deps.segmentChanges?.publish(changes);
  return { outcome, ...(profile ? { profile } : {}), ...(changes ? { changes } : {}) };
}

function sameSegments(a: Profile, b: Profile): boolean {
  return a.nextExpiryAt === b.nextExpiryAt && JSON.stringify(a.segments) === JSON.stringify(b.segments);
}
