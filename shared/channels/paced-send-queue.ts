/**
 * Sends paced at enqueue (DESIGN "Send" 8, decision 175): each journey send takes its rate slots
 * when it is put on the sends queue — by process-events, and again by release-deferred when a
 * deferral comes back without them — instead of being tried by the send function and deferred
 * there (a queue message, the decision's reads and a deferral write for every send over the rate).
 *
 *   1. The journey's `limits.messagesPerSecond`: a slot from the journey's cursor shard. A slot a
 *      second or more ahead: the request waits in `due` until then, holding it (`journeySlot`);
 *      the account's slot is taken only when it comes back, so one slow journey's backlog never
 *      holds the account's other sends back.
 *   2. The account's `sending.<channel>.messagesPerSecond` (the request's first channel): a slot
 *      from the account's cursor shard. The later of the two is the send's slot (`pacedAt`):
 *      ahead, it waits in `due`; otherwise it goes on the queue now.
 *
 * Slots of one cursor are taken for the whole batch in one write. A request already holding an
 * unspent slot passes through with it; a confirmation (its own limits) passes unpaced, and the
 * send function paces what arrives without slots as before.
 */
import type { Settings } from '../config/settings.js';
import type { Clock } from '../ports.js';
import type { JourneySendPolicy } from './decide-send.js';
import { accountRate, cursorOf, isLate, mustWaitFor, reserveSlots } from './pace.js';
import type { DueQueue, RateScope, SendRateLimiter } from './ports.js';
import type { SendQueue, SendRequest } from './send-request.js';

export interface EnqueuePacingDeps {
  rate: SendRateLimiter;
  due: Pick<DueQueue, 'defer'>;
  settings: Partial<Pick<Settings, 'sending'>>;
  journeyPolicy: (journeyId: string) => JourneySendPolicy | undefined;
  clock: Clock;
}

/** Where each request of a batch goes: on the queue now, or into `due` until `wakeAt`. */
export interface PacedPlan {
  now: SendRequest[];
  deferred: { request: SendRequest; wakeAt: string }[];
}

/** A SendQueue that paces what it is given (see above) before the inner queue sees it. */
export class PacedSendQueue implements SendQueue {
  constructor(
    private readonly inner: SendQueue,
    private readonly deps: EnqueuePacingDeps,
  ) {}

  async enqueue(requests: readonly SendRequest[]): Promise<void> {
    const plan = await paceAtEnqueue(this.deps, requests);
    if (plan.now.length > 0) await this.inner.enqueue(plan.now);
    for (const { request, wakeAt } of plan.deferred) await this.deps.due.defer(request, wakeAt);
  }
}

interface Pending {
  request: SendRequest;
  slot?: number;
}

export async function paceAtEnqueue(deps: EnqueuePacingDeps, requests: readonly SendRequest[]): Promise<PacedPlan> {
  const now = deps.clock.now();
  const plan: PacedPlan = { now: [], deferred: [] };
  const go = (request: SendRequest, slot: number | undefined): void => {
    if (slot === undefined) plan.now.push(request);
    else if (mustWaitFor(new Date(slot), now)) plan.deferred.push({ request, wakeAt: new Date(slot).toISOString() });
    else plan.now.push(request);
  };

  // Step 1: the journey's slot, unless the request holds one still unspent.
  const needJourney: Pending[] = [];
  const needAccount: Pending[] = [];
  for (const request of requests) {
    if (request.kind === 'confirm') {
      plan.now.push(request);
      continue;
    }
    if (request.pacedAt !== undefined && !isLate(new Date(request.pacedAt), now)) {
      go(request, Date.parse(request.pacedAt));
      continue;
    }
    const { pacedAt: _spent, journeySlot, ...unpaced } = request;
    if (journeySlot !== undefined && !isLate(new Date(journeySlot), now)) {
      const slot = Date.parse(journeySlot);
      if (mustWaitFor(new Date(slot), now))
        plan.deferred.push({ request: { ...unpaced, journeySlot }, wakeAt: journeySlot });
      else needAccount.push({ request: unpaced, slot });
      continue;
    }
    if (deps.journeyPolicy(request.journeyId)?.messagesPerSecond !== undefined) needJourney.push({ request: unpaced });
    else needAccount.push({ request: unpaced });
  }

  await takeSlots(deps.rate, needJourney, now, (request) => {
    const perSecond = deps.journeyPolicy(request.journeyId)?.messagesPerSecond;
    return perSecond === undefined ? undefined : { scope: `journey:${request.journeyId}`, perSecond };
  });
  for (const pending of needJourney) {
    const { request, slot } = pending;
    // Ahead: it waits for the journey's slot and takes the account's when it comes back.
    if (slot !== undefined && mustWaitFor(new Date(slot), now))
      plan.deferred.push({ request: { ...request, journeySlot: new Date(slot).toISOString() }, wakeAt: iso(slot) });
    else needAccount.push(pending);
  }

  // Step 2: the account's slot for the request's channel; the later slot is the send's.
  const journeySlots = needAccount.map((pending) => pending.slot);
  for (const pending of needAccount) pending.slot = undefined;
  await takeSlots(deps.rate, needAccount, now, (request) => {
    const perSecond = accountRate(deps.settings, request.channel);
    return perSecond === undefined ? undefined : { scope: `account:${request.channel}`, perSecond };
  });
  needAccount.forEach(({ request, slot: account }, index) => {
    const journey = journeySlots[index];
    const slot = journey === undefined ? account : account === undefined ? journey : Math.max(journey, account);
    go(slot === undefined ? request : { ...request, pacedAt: iso(slot) }, slot);
  });
  return plan;
}

/**
 * Gives each pending request the next slot of its cursor (`scopeOf` undefined: no rate applies):
 * the requests of one cursor take their slots in one reservation, in the order they came.
 */
async function takeSlots(
  rate: SendRateLimiter,
  pending: readonly Pending[],
  now: Date,
  scopeOf: (request: SendRequest) => { scope: RateScope; perSecond: number } | undefined,
): Promise<void> {
  const groups = new Map<string, { scope: RateScope; perSecond: number; customerId: string; members: Pending[] }>();
  for (const entry of pending) {
    const rated = scopeOf(entry.request);
    if (!rated) continue;
    const { cursor } = cursorOf(rated.scope, rated.perSecond, entry.request.customerId);
    const key = `${cursor}\u0000${rated.perSecond}`;
    const group = groups.get(key) ?? { ...rated, customerId: entry.request.customerId, members: [] };
    group.members.push(entry);
    groups.set(key, group);
  }
  for (const { scope, perSecond, customerId, members } of groups.values()) {
    const slots = await reserveSlots(rate, scope, perSecond, customerId, now, members.length);
    members.forEach((member, index) => {
      member.slot = slots[index]?.getTime();
    });
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
