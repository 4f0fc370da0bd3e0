/**
 * `sadakat simulate`: the real process-events code (profile reducer, segments, journey engine) on
 * in-memory ports and a virtual clock. Events are played in time order; between them, the
 * waits that come due are woken as journey-tick would, and time-window segments lapse as the
 * expiry pass would. Each send is decided by the send handler's own decision on in-memory stores
 * with dry-run providers (dry-run-sending.ts): refused, deferred or "sent", never made. Engagement
 * lines (engagement-call.ts) play what ses-feedback would report about a sent message (opened,
 * clicked…), at their time.
 */
import { randomUUID } from 'node:crypto';
import type { SendRequest } from '../../channels/send-request.js';
import type { NormalizedEvent } from '../../events/event.js';
import type { CustomerMessage } from '../../events/messages.js';
import { INTERNAL_SOURCE } from '../../events/messages.js';
import { normalizeCall } from '../../events/normalize.js';
import { anonymousCustomerId } from '../../identity/customer-id.js';
import { processCustomerMessage, type ProcessDeps } from '../../profiles/process-customer-message.js';
import type { Settings } from '../../config/settings.js';
import type { TemplateSet } from '../../channels/render.js';
import type { CompiledSegments } from '../../segments/evaluate.js';
import type { Journey } from '../ast.js';
import type { RunChange } from '../engine.js';
import type { RunEffect } from '../advance.js';
import { InMemoryJourneyStore } from '../in-memory-journey-store.js';
import { journeyTick } from '../journey-tick.js';
import { SCHEDULE_WINDOW_MS, schedulePass } from '../schedule-pass.js';
import { customerTimezone } from '../time-of-day.js';
import { DryRunSending, type SimulatedDecision } from './dry-run-sending.js';
import { isEngagementCall, parseEngagementCall, type EngagementCall } from './engagement-call.js';
import {
  InMemoryIdentities,
  InMemoryOrders,
  InMemoryProfiles,
  InMemoryRefunds,
  NO_ERASED_ORDERS,
} from './in-memory-customer-stores.js';

export interface SimulationInput {
  journey: Journey;
  settings: Settings;
  segments: CompiledSegments;
  /** The campaign's templates: the send decision renders them (a missing variable is a refusal). */
  templates: TemplateSet;
  /**
   * Segment calls as the storefront would post them (one JSON object per line in the file), and
   * engagement lines (`{"type":"engagement","kind":"opened",…}`, see engagement-call.ts).
   */
  calls: readonly unknown[];
  /** Start of the virtual clock (default: the first event). */
  from?: Date;
  /** How long after the last event waits keep being woken (default 60 days). */
  horizonMs?: number;
}

export type PathEntry =
  | { at: string; runId: string; kind: 'entered'; holdout: boolean }
  | { at: string; runId: string; kind: 'effect'; effect: RunEffect }
  | ({ kind: 'decision'; runId: string } & SimulatedDecision);

export interface SimulationResult {
  /** Each customer's path through the journey, in time order. */
  paths: Map<string, PathEntry[]>;
  /** Every request the journey made (holdout ones included, marked). */
  sends: SendRequest[];
  /** What the send handler decided for each request (a deferred one again at its wake time). */
  decisions: SimulatedDecision[];
  /** Each customer's timezone (their profile's, else the campaign default): the path's times are read in it. */
  timezones: Map<string, string>;
  /** Deferred sends whose wake time lies after the simulation stopped. */
  deferred: { request: SendRequest; wakeAt: string }[];
  /** Calls that did not parse, with the reason (line numbers are 1-based). */
  rejected: { line: number; field: string; reason: string }[];
  /** When the simulation stopped. */
  endedAt: string;
}

const DEFAULT_HORIZON_MS = 60 * 86_400_000;

/** One line to play at its time: a storefront event, or feedback on a sent message. */
type Played =
  | { kind: 'event'; at: number; customerId: string; event: NormalizedEvent }
  | { kind: 'engagement'; at: number; line: number; engagement: EngagementCall };

export async function simulateJourney(input: SimulationInput): Promise<SimulationResult> {
  const events = normalizeCalls(input.calls);
  const first = events.accepted[0];
  let now = input.from ?? (first ? new Date(first.at) : new Date());
  const horizon = (events.accepted.at(-1)?.at ?? now.getTime()) + (input.horizonMs ?? DEFAULT_HORIZON_MS);

  const profiles = new InMemoryProfiles();
  const runs = new InMemoryJourneyStore();
  const sends: SendRequest[] = [];
  const paths = new Map<string, PathEntry[]>();
  const pathOf = (customerId: string): PathEntry[] => {
    const path = paths.get(customerId) ?? [];
    paths.set(customerId, path);
    return path;
  };
  const record = (change: RunChange): void => {
    const path = pathOf(change.run.customerId);
    const at = now.toISOString();
    if (change.before === undefined)
      path.push({ at, runId: change.run.runId, kind: 'entered', holdout: change.run.holdout });
    for (const effect of change.effects) path.push({ at, runId: change.run.runId, kind: 'effect', effect });
  };
  const sending = new DryRunSending({
    profiles,
    templates: input.templates,
    settings: input.settings,
    journeys: [input.journey],
    clock: { now: () => now },
  });
  // Decided as the sends queue would, right after process-events enqueued them.
  const decide = async (): Promise<void> => {
    const decided = sending.decisions.length;
    await sending.decide(undecided.splice(0));
    await sending.releaseDue();
    for (const decision of sending.decisions.slice(decided)) {
      const path = pathOf(decision.request.customerId);
      // Right after the step that made the request, when decided at once; at the end of the path when later.
      let index = path.findIndex(
        (entry) =>
          entry.kind === 'effect' &&
          entry.effect.kind === 'send' &&
          entry.effect.request.messageId === decision.request.messageId &&
          entry.at === decision.at,
      );
      if (index === -1) index = path.length;
      else while (path[index + 1]?.kind === 'decision') index++;
      path.splice(index + 1, 0, { kind: 'decision', runId: decision.request.runId, ...decision });
    }
  };
  const undecided: SendRequest[] = [];
  const deps: ProcessDeps = {
    profiles,
    orders: new InMemoryOrders(),
    identity: new InMemoryIdentities(),
    settings: {
      trackedProperties: input.settings.trackedProperties,
      timezone: input.settings.defaultTimezone,
      tiers: input.settings.tiers,
    },
    segments: input.segments,
    clock: { now: () => now },
    journeys: {
      definitions: [input.journey],
      store: runs,
      sends: {
        enqueue: async (requests) => {
          sends.push(...requests);
          undecided.push(...requests);
        },
      },
      holdoutPercent: input.settings.holdoutPercent,
      defaultTimezone: input.settings.defaultTimezone,
      spreadMinutes: input.settings.spreadMinutes,
    },
    // A simulation starts from no stored history: nothing was erased, refunds only reach the totals.
    tombstones: NO_ERASED_ORDERS,
    refunds: new InMemoryRefunds(),
    onRunChange: record,
  };

  const queue: CustomerMessage[] = [];
  const tickQueue = { enqueue: async (messages: readonly CustomerMessage[]) => void queue.push(...messages) };
  // Scheduled journeys: the hourly schedule pass runs on the virtual clock too, until the horizon.
  const scheduled = input.journey.trigger.kind === 'schedule';
  let nextPass = scheduled ? Math.ceil(now.getTime() / SCHEDULE_WINDOW_MS) * SCHEDULE_WINDOW_MS : Infinity;
  let next = 0;
  for (;;) {
    const eventAt = events.accepted[next]?.at ?? Infinity;
    const wakeAt = Math.min(earliestWake(runs), sending.nextWake());
    // Lapsing segments matter only while events remain or runs wait; then the simulation is over.
    if (eventAt === Infinity && wakeAt === Infinity && !scheduled) break;
    const dueAt = Math.min(wakeAt, earliestExpiry(profiles), nextPass);
    const at = Math.min(eventAt, dueAt);
    if (!Number.isFinite(at) || at > horizon) break;
    now = new Date(Math.max(at, now.getTime()));
    if (dueAt <= eventAt) {
      // What journey-tick, the expiry pass and the schedule pass would find at this minute.
      await journeyTick({ index: runs, queue: tickQueue, clock: { now: () => now } });
      if (now.getTime() >= nextPass) {
        nextPass += SCHEDULE_WINDOW_MS;
        await schedulePass({
          journeys: [input.journey],
          profiles: currentProfiles(profiles),
          queue: tickQueue,
          clock: { now: () => now },
          defaultTimezone: input.settings.defaultTimezone,
        });
      }
      for (const profile of profiles.items.values()) {
        if (profile.nextExpiryAt !== undefined && Date.parse(profile.nextExpiryAt) <= now.getTime()) {
          queue.push({ kind: 'recheck', customerId: profile.id, reason: 'expiry', at: profile.nextExpiryAt });
        }
      }
      for (const message of queue.splice(0)) await processCustomerMessage(deps, message);
      await decide();
      continue;
    }
    const played = events.accepted[next++] as Played;
    if (played.kind === 'event') {
      await processCustomerMessage(deps, {
        kind: 'event',
        customerId: played.customerId,
        event: played.event,
        source: INTERNAL_SOURCE,
      });
      await decide();
      continue;
    }
    const message = engagementMessage(played.engagement, input.journey.id, runs);
    if (message) {
      await processCustomerMessage(deps, message);
      await decide();
    } else {
      const { customerId, journeyId, stepId } = played.engagement;
      events.rejected.push({
        line: played.line,
        field: 'step',
        reason: `customer ${customerId} had no message from step ${stepId} of journey ${journeyId ?? input.journey.id} by then`,
      });
    }
  }
  events.rejected.sort((a, b) => a.line - b.line);
  return {
    paths,
    sends,
    decisions: sending.decisions,
    timezones: new Map(
      [...paths.keys()].map((customerId) => [
        customerId,
        customerTimezone(profiles.items.get(customerId)?.timezone, input.settings.defaultTimezone),
      ]),
    ),
    deferred: sending.waiting(),
    rejected: events.rejected,
    endedAt: now.toISOString(),
  };
}

/** What ses-feedback would enqueue: the engagement with the message of the step's latest send. */
function engagementMessage(
  engagement: EngagementCall,
  defaultJourneyId: string,
  runs: InMemoryJourneyStore,
): CustomerMessage | undefined {
  const journeyId = engagement.journeyId ?? defaultJourneyId;
  const run = [...runs.runs.values()]
    .filter(
      (candidate) =>
        candidate.customerId === engagement.customerId &&
        candidate.journeyId === journeyId &&
        candidate.sent[engagement.stepId] !== undefined,
    )
    .sort((a, b) => a.enteredAt.localeCompare(b.enteredAt))
    .at(-1);
  const sent = run?.sent[engagement.stepId];
  if (!run || !sent) return undefined;
  return {
    kind: 'engagement',
    customerId: engagement.customerId,
    type: engagement.kind,
    messageId: sent.messageId,
    journeyId,
    runId: run.runId,
    stepId: engagement.stepId,
    at: engagement.at,
  };
}

function normalizeCalls(calls: readonly unknown[]) {
  const accepted: Played[] = [];
  const rejected: SimulationResult['rejected'] = [];
  calls.forEach((call, index) => {
    if (isEngagementCall(call)) {
      const parsed = parseEngagementCall(call as Record<string, unknown>);
      if (parsed.ok)
        accepted.push({ kind: 'engagement', at: Date.parse(parsed.call.at), line: index + 1, engagement: parsed.call });
      else rejected.push({ line: index + 1, field: parsed.field, reason: parsed.reason });
      return;
    }
    const stamped =
      typeof call === 'object' && call !== null && 'timestamp' in call
        ? Date.parse(String((call as { timestamp: unknown }).timestamp))
        : NaN;
    // Historical events are played as if received when they happened.
    const result = normalizeCall(call, {
      receivedAt: Number.isNaN(stamped) ? new Date() : new Date(stamped),
      newMessageId: randomUUID,
    });
    if (!result.ok) {
      rejected.push({ line: index + 1, field: result.field, reason: result.reason });
      return;
    }
    const event = result.event;
    const customerId =
      event.userId ?? (event.anonymousId !== undefined ? anonymousCustomerId(event.anonymousId) : undefined);
    if (customerId !== undefined) accepted.push({ kind: 'event', at: Date.parse(event.timestamp), customerId, event });
  });
  // Stable: lines at the same instant keep their file order.
  accepted.sort((a, b) => a.at - b.at);
  return { accepted, rejected };
}

async function* currentProfiles(profiles: InMemoryProfiles) {
  for (const profile of [...profiles.items.values()])
    if (profile.mergedInto === undefined) yield structuredClone(profile);
}

function earliestWake(store: InMemoryJourneyStore): number {
  let earliest = Infinity;
  for (const run of store.runs.values())
    if (run.status === 'waiting' && run.wakeAt) earliest = Math.min(earliest, Date.parse(run.wakeAt));
  return earliest;
}

function earliestExpiry(profiles: InMemoryProfiles): number {
  let earliest = Infinity;
  for (const profile of profiles.items.values())
    if (profile.nextExpiryAt) earliest = Math.min(earliest, Date.parse(profile.nextExpiryAt));
  return earliest;
}
