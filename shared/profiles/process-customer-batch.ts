/**
 * Coalescing a customer's messages in a batch (issue 19): consecutive messages of one customer
 * that only edit the profile (events without an identity link, consent, device, scores, recheck)
 * share one profile write, with per-message semantics kept:
 *
 *   resolve each message's customer → claim the orders (before the write that counts them) →
 *   fold each message's pure edit over the profile in order, segments evaluated after each one
 *   → one conditional write → per message, in order: its segment moves announced, then the
 *   phases after the profile write — its confirmation request, its journey phase on the profile
 *   as it stood at that message (exits, goals and branches never see a later event), its order
 *   marked applied, its refund and survey answer recorded →
 *   one write clearing the recorded segment changes the journey phases handled → each message's
 *   archive row. The phases after the write are the single path's (PHASES), so a phase added
 *   there runs here too.
 *
 * A message that links identities (identify with an anonymous id, alias) or only moves runs
 * (wake, schedule, engagement) goes through the phases alone (process-customer-message.ts), as
 * does a group whose messages resolve to different customers or whose profile was merged away.
 * A failure inside a group is the caller's to handle by replaying the group one message at a
 * time (functions/process-events.ts): everything here is as idempotent as the single path.
 */
import type { CustomerMessage } from '../events/messages.js';
import { linksIdentities } from '../identity/links-identities.js';
import { HandledChanges, withoutHandled } from '../journeys/pending-segment-changes.js';
import type { Profile } from './schema.js';
import {
  initialState,
  outcomeOf,
  type MessageState,
  type ProcessDeps,
  type ProcessOutcome,
} from './phases/message-state.js';
import { archiveMessage } from './phases/archive-message.js';
import { claimOrder } from './phases/order-protocol.js';
import { nextProfile, profileEditOf, type ProfileEdit } from './phases/profile-step.js';
import { resolveCustomer } from './phases/resolve-customer.js';
import { updateProfile, writeProfile } from './phases/write-profile.js';
// A cycle on purpose: the group runs the single path's own list of phases after the write.
import { PHASES } from './process-customer-message.js';
import { withVersionRetry } from './version-retry.js';

/** Whether `message` may share its customer's profile write with its neighbours in the batch. */
export function coalescable(message: CustomerMessage): boolean {
  switch (message.kind) {
    case 'event':
      // An identify naming its anonymous id merges profiles: the group's profile is written before it.
      return !linksIdentities(message.event);
    case 'consent':
    case 'device':
    case 'scores':
    case 'recheck':
      return true;
    default:
      return false;
  }
}

/**
 * Processes one customer's consecutive coalescable messages with one profile write. Undefined
 * (nothing written) when they turn out not to share a profile: the caller processes them alone.
 */
export async function processCoalesced(
  deps: ProcessDeps,
  messages: readonly CustomerMessage[],
): Promise<ProcessOutcome[] | undefined> {
  const states = messages.map(initialState);
  for (const state of states) await resolveCustomer(deps, state);
  const customerId = states[0]?.customerId;
  if (customerId === undefined || states.some((state) => state.customerId !== customerId)) return undefined;

  // Orders are claimed before the write that counts them; an order already applied ends its message.
  const live: { state: MessageState; edit: ProfileEdit }[] = [];
  for (const state of states) {
    if ((await claimOrder(deps, state)) === 'done') continue;
    const edit = profileEditOf(state.message, deps.settings);
    if (edit) live.push({ state, edit });
  }
  const folded = await foldAndWrite(deps, customerId, live);
  if (folded === undefined) return undefined;

  const handled = new HandledChanges();
  const groupDeps: ProcessDeps = { ...deps, pendingHandled: handled };
  // The phases after the profile write (confirmation, journeys, order mark, refund…), as the single path runs them.
  const after = PHASES.slice(PHASES.indexOf(updateProfile) + 1);
  for (const { state } of live) {
    if (state.written?.changes) await deps.segmentChanges?.publish(state.written.changes);
    for (const phase of after) if ((await phase(groupDeps, state)) === 'done') break;
  }
  const last = live.at(-1)?.state;
  const cleared = handled.list();
  if (last && cleared.length > 0)
    last.capacityUnits += (
      await writeProfile(deps, customerId, (stored) => withoutHandled(stored, cleared))
    ).outcome.capacityUnits;
  for (const state of states) await archiveMessage(deps, state);
  return states.map(outcomeOf);
}

/**
 * Each message's edit folded over the stored profile in order, then one conditional write of the
 * result (retried from the read on a version conflict). Each message's state gets the profile as
 * it stood after its own edit, its segment moves and an even share of the write's units.
 * Undefined when the profile was merged into another meanwhile.
 */
async function foldAndWrite(
  deps: ProcessDeps,
  customerId: string,
  live: readonly { state: MessageState; edit: ProfileEdit }[],
): Promise<'written' | undefined> {
  return withVersionRetry(async () => {
    const stored = await deps.profiles.getProfile(customerId);
    if (stored?.mergedInto !== undefined) return undefined;
    let current: Profile | undefined = stored;
    const steps = live.map(({ state, edit }) => {
      const step = nextProfile(deps, customerId, current, edit, deps.clock.now());
      if (step.kind === 'changed') current = step.profile;
      return { state, step, profile: current };
    });
    const changed = steps.filter(({ step }) => step.kind === 'changed');
    let version = stored?.version;
    // A new profile gets its archive key from the write (decision 155); each message's snapshot
    // needs it too, or its archive row would lose every pseudonym.
    let archiveKey = stored?.archiveKey;
    let units = 0;
    if (current !== undefined && changed.length > 0) {
      const written = await deps.profiles.putProfile(current, stored?.version);
      version = written.profile.version;
      archiveKey = written.profile.archiveKey;
      units = written.receipt.capacityUnits;
    }
    for (const { state, step, profile } of steps) {
      const share = step.kind === 'changed' ? units / changed.length : 0;
      state.status = step.kind === 'changed' ? 'applied' : step.status;
      state.capacityUnits += share;
      state.written = {
        outcome: { status: state.status, customerId, capacityUnits: share },
        ...(profile ? { profile: version === undefined ? profile : { ...profile, version, archiveKey } } : {}),
        ...(step.kind === 'changed' && step.changes ? { changes: step.changes } : {}),
      };
    }
    return 'written';
  });
}

/** A batch's message as the coalescer sees it: its id, its FIFO group and its body (undefined: unreadable). */
export interface BatchMessage {
  id: string;
  group: string;
  message: CustomerMessage | undefined;
}

/**
 * One batch, coalesced: at its turn, a coalescable message takes the coalescable messages of its
 * customer right after it into a group processed with one profile write; the later members
 * only collect their outcomes at their own turn. When a group fails (or its messages turn out
 * not to share a profile), each member is processed alone at its turn — a poison message then
 * fails alone, and the batch processor fails the rest of its FIFO group after it.
 */
export class BatchCoalescer {
  private readonly done = new Map<string, ProcessOutcome>();
  private readonly alone = new Set<string>();

  constructor(
    private readonly deps: ProcessDeps,
    private readonly batch: readonly BatchMessage[],
    private readonly alonePath: (deps: ProcessDeps, message: CustomerMessage) => Promise<ProcessOutcome>,
  ) {}

  async process(id: string, message: CustomerMessage): Promise<ProcessOutcome> {
    const known = this.done.get(id);
    if (known) return known;
    if (this.alone.has(id) || !coalescable(message)) return this.alonePath(this.deps, message);
    const group = this.groupFrom(id, message);
    let outcomes: ProcessOutcome[] | undefined;
    try {
      outcomes = await processCoalesced(
        this.deps,
        group.map((member) => member.message),
      );
    } catch (error) {
      if (group.length === 1) throw error;
      outcomes = undefined;
    }
    if (outcomes === undefined) {
      for (const member of group) this.alone.add(member.id);
      return this.alonePath(this.deps, message);
    }
    for (const [index, member] of group.entries()) {
      const outcome = outcomes[index];
      if (outcome) this.done.set(member.id, outcome);
    }
    return outcomes[0] as ProcessOutcome;
  }

  /** `message` and the coalescable messages of the same customer and FIFO group right after it. */
  private groupFrom(id: string, message: CustomerMessage): { id: string; message: CustomerMessage }[] {
    const start = this.batch.findIndex((entry) => entry.id === id);
    const group = [{ id, message }];
    const first = this.batch[start];
    if (!first) return group;
    for (const next of this.batch.slice(start + 1)) {
      if (
        next.group !== first.group ||
        !next.message ||
        next.message.customerId !== message.customerId ||
        !coalescable(next.message)
      )
        break;
      group.push({ id: next.id, message: next.message });
    }
    return group;
  }
}
