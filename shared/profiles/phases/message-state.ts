/**
 * What the phases of process-events share (shared/profiles/process-customer-message.ts): the
 * deps, the outcome of one message, and the state a message carries from one phase to the next.
 */
import type { ArchiveSink } from '../../archive/ports.js';
import type { CustomerMessage } from '../../events/messages.js';
import type { MergeDeps, MergeOutcome } from '../../identity/merge-anonymous.js';
import type { OrderRecord } from '../../ports.js';
import type { PepperSource } from '../../privacy/pepper.js';
import type { ErasedOrders } from '../../privacy/erased-order.js';
import type { RunChange } from '../../journeys/engine.js';
import type { JourneyDeps } from '../../journeys/journey-phase.js';
import type { PendingSegmentChange } from '../../journeys/pending-segment-changes.js';
import type { SegmentChangeSink, SegmentChanges } from '../../segments/membership-hook.js';
import type { RefundLedger } from '../refund-from-event.js';
import type { SurveyAnswerLedger } from '../survey-answers.js';
import type { ReducerSettings } from '../reduce.js';
import type { Profile } from '../schema.js';

export interface ProcessDeps extends MergeDeps {
  settings: ReducerSettings;
  /** Receives entered/exited segments after the write that changed them succeeded. */
  segmentChanges?: SegmentChangeSink;
  /**
   * Journey definitions, run storage and the sends queue: runs start, move and end after each
   * profile write. `null` only where journeys are deliberately off (history import, `serve --no-journeys`).
   */
  journeys: JourneyDeps | null;
  /** Observes each journey run change (local trace, simulate). */
  onRunChange?: (change: RunChange) => void;
  /** Hashed order ids of erased customers (shared/privacy): a replayed old order is not counted again. */
  tombstones: ErasedOrders;
  /** Per-order refund records (`R#`) for the A/B report's net revenue. */
  refunds: RefundLedger;
  /** Survey answers with their comments as their own items (`SV#`); absent, answers live on the profile only. */
  surveyAnswers?: SurveyAnswerLedger;
  /** The key of kept hashes: a double opt-in request's address hash and ledger id. */
  pepper?: PepperSource;
  /** Where accepted events, engagement and unsubscribes are archived (issue 23); absent: nothing is. */
  archive?: ArchiveSink;
  /**
   * Set for a coalesced group of one customer's messages (process-customer-batch.ts): the
   * journey phases add the recorded segment changes they handled here instead of clearing them
   * with a write each, and skip the ones an earlier message of the group already handled.
   */
  pendingHandled?: PendingHandled;
}

/** The recorded segment changes a group's journey phases have handled. */
export interface PendingHandled {
  has(change: PendingSegmentChange): boolean;
  add(changes: readonly PendingSegmentChange[]): void;
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
  merge?: MergeOutcome['status'];
}

/** The result of one profile read-modify-write (shared/profiles/phases/write-profile.ts). */
export interface Written {
  outcome: ProcessOutcome;
  /** The profile as written, or as stored when nothing changed (undefined: none exists). */
  profile?: Profile;
  changes?: SegmentChanges;
}

/**
 * One message on its way through the phases. Each phase reads it and adds what it did; the
 * outcome is read off it at the end. With batch coalescing (issue 19), a customer's messages
 * each keep their own state while the profile write is shared.
 */
export interface MessageState {
  readonly message: CustomerMessage;
  /** The customer the message lands on: the queued id, then the resolved identity, then where a merged profile forwards to. */
  customerId: string;
  capacityUnits: number;
  /** Undefined until a phase decides it. */
  status?: ProcessStatus;
  merge?: MergeOutcome['status'];
  /** The order this message claimed (`Order Completed` with an id and an amount). */
  order?: OrderRecord;
  /** The profile phase's write: the journeys start from its profile and segment changes. */
  written?: Written;
}

/** A phase acts on the message (or passes it by) and says whether the later phases still run. */
export type Phase = (deps: ProcessDeps, state: MessageState) => Promise<'next' | 'done'>;

export function initialState(message: CustomerMessage): MessageState {
  return { message, customerId: message.customerId, capacityUnits: 0 };
}

export function outcomeOf(state: MessageState): ProcessOutcome {
  return {
    status: state.status ?? 'ignored',
    customerId: state.customerId,
    capacityUnits: state.capacityUnits,
    // An event's outcome always names its merge (undefined when there was none to do).
    ...(state.message.kind === 'event' ? { merge: state.merge } : {}),
  };
}
