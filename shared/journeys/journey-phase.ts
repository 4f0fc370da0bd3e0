/**
 * The journey half of process-events (DESIGN "One writer per customer"), run after the profile
 * write, inside the customer's FIFO group:
 *
 *   read runs → applySignal for each signal → profile write for assignments, holdout and trait
 *   updates (if any) → enqueue sends → conditional run writes.
 *
 * Sends go out before the runs are written: if the run write is lost, the redelivered message
 * computes the same steps with the same message ids, and the send ledger turns the repeat into
 * `duplicate`. Run ids come from what started the run and writes are conditional on `version`,
 * so a redelivered message cannot start a run twice or move one twice.
 */
import { callCompletedOf } from '../events/call-completed.js';
import type { SendQueue, SendRequest } from '../channels/send-request.js';
import type { Profile } from '../profiles/schema.js';
import type { CompiledSegments } from '../segments/evaluate.js';
import type { SegmentChanges } from '../segments/membership-hook.js';
import type { Journey } from './ast.js';
import { applySignal, type JourneySignal, type RunChange } from './engine.js';
import { eventName } from './event-match.js';
import type { JourneyStore } from './journey-store.js';
import { abandonRun, HANDED_OVER_AT_LOGIN, isLive, type JourneyRun } from './run.js';

export interface JourneyDeps {
  definitions: readonly Journey[];
  store: JourneyStore;
  /** Where send steps put their SendRequests. */
  sends: SendQueue;
  holdoutPercent: number;
  defaultTimezone: string;
  /** `settings.spreadMinutes` (time-of-day waits, decision 177); absent: no spread. */
  spreadMinutes?: number;
  /**
   * `any`: every move of a trigger or exit segment concerns a journey, either way — the behaviour
   * before decision 237, kept as the cost bench's baseline. Absent: only the moves a journey acts on.
   */
  segmentMoves?: 'any';
  /**
   * `list`: a wake or an engagement reads every run of the customer (a Query) and process-events
   * reads nothing ahead, the behaviour before decisions 255 and 256, kept as journey-tick bench's
   * baseline. Absent: the run it names (read ahead with the batch's, or a GetItem).
   */
  runReads?: 'list';
}

export interface JourneyPhaseDeps {
  journeys: JourneyDeps;
  segments?: CompiledSegments;
  now: Date;
  /** process-events' own read-modify-write: returns the written profile and its segment changes. */
  writeProfile: (
    change: (profile: Profile) => Profile | undefined,
  ) => Promise<{ profile: Profile | undefined; changes: SegmentChanges | undefined }>;
  /** Observes each run change (the local runtime's trace; metrics). */
  onRunChange?: (change: RunChange) => void;
}

export interface JourneyPhaseResult {
  runsWritten: number;
  sends: SendRequest[];
  capacityUnits: number;
}

/** A trait update may move segments, which may start or end runs; one more round, no more. */
const MAX_ROUNDS = 2;

export async function journeyPhase(
  deps: JourneyPhaseDeps,
  profile: Profile,
  signals: readonly JourneySignal[],
): Promise<JourneyPhaseResult> {
  const result: JourneyPhaseResult = { runsWritten: 0, sends: [], capacityUnits: 0 };
  // Most events concern no journey: skip the runs query (a read per event) for them.
  const relevant = signals.filter((signal) =>
    mayConcern(signal, deps.journeys.definitions, deps.journeys.segmentMoves),
  );
  if (relevant.length === 0) return result;
  const { store } = deps.journeys;
  let runs: JourneyRun[] = [];
  let listed = false;
  let current = profile;
  let pending: readonly JourneySignal[] = relevant;
  for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
    // A wake or an engagement moves the one run it names: read that item, not the customer's
    // runs (decision 255). Entries, exits and goals need them all (re-entry reads finished runs).
    const named = deps.journeys.runReads === 'list' ? [undefined] : pending.map(namedRun);
    if (!listed && named.some((key) => key === undefined)) {
      runs = mergeRuns(await store.listRuns(profile.id), runs);
      listed = true;
    } else if (!listed) {
      for (const key of named) {
        if (!key || runs.some((run) => run.journeyId === key.journeyId && run.runId === key.runId)) continue;
        const run = await store.getRun(profile.id, key.journeyId, key.runId);
        if (run) runs = mergeRuns(runs, [run]);
      }
    }
    const changes: RunChange[] = [];
    for (const signal of pending) {
      const changed = applySignal(
        {
          journeys: deps.journeys.definitions,
          profile: current,
          runs,
          now: deps.now,
          defaultTimezone: deps.journeys.defaultTimezone,
          ...(deps.journeys.spreadMinutes ? { spreadMinutes: deps.journeys.spreadMinutes } : {}),
          holdoutPercent: deps.journeys.holdoutPercent,
          ...(deps.segments ? { segments: deps.segments } : {}),
        },
        signal,
      );
      for (const change of changed) {
        const earlier = changes.findIndex(
          (c) => c.run.journeyId === change.run.journeyId && c.run.runId === change.run.runId,
        );
        const previous = changes[earlier];
        // Two signals moved the same run: one write, from the first stored version, all effects.
        if (previous)
          changes[earlier] = {
            before: previous.before,
            run: change.run,
            effects: [...previous.effects, ...change.effects],
          };
        else changes.push(change);
      }
      runs = mergeRuns(
        runs,
        changed.map((change) => change.run),
      );
    }
    pending = [];

    const profileChange = profileEffects(changes);
    if (profileChange) {
      const written = await deps.writeProfile(profileChange);
      if (written.profile) current = written.profile;
      if (written.changes)
        pending = [
          {
            kind: 'segments',
            entered: written.changes.entered,
            exited: written.changes.exited,
            at: written.changes.at,
          },
        ];
    }

    const sends = changes.flatMap((change) =>
      change.effects.flatMap((effect) => (effect.kind === 'send' ? [effect.request] : [])),
    );
    if (sends.length > 0) await deps.journeys.sends.enqueue(sends);
    result.sends.push(...sends);

    for (const change of changes) {
      const put = await store.putRun(change.run, change.before?.version);
      result.capacityUnits += put.receipt.capacityUnits;
      if (put.written) {
        result.runsWritten++;
        runs = mergeRuns(runs, [put.run]);
      }
      deps.onRunChange?.(change);
    }
  }
  return result;
}

/**
 * False when no journey triggers, exits or converts on this signal. A segment move concerns a
 * journey only in the direction the engine acts on (applySignal): its trigger segment entered
 * (`on: enter`) or left (`on: exit`), its exit segment left — leaving the segment a journey starts
 * on entering changes nothing, so it is neither recorded as pending nor cleared (decision 237).
 */
export function mayConcern(signal: JourneySignal, journeys: readonly Journey[], segmentMoves?: 'any'): boolean {
  switch (signal.kind) {
    case 'event': {
      const name = eventName(signal.event);
      // An agent's outcome moves the run whose call task it reports.
      if (callCompletedOf(signal.event) !== undefined) return true;
      return (
        name !== undefined &&
        journeys.some(
          (journey) =>
            (journey.trigger.kind === 'event' && journey.trigger.event === name) ||
            journey.goal?.event === name ||
            journey.exit.some((exit) => exit.kind === 'event' && exit.event === name),
        )
      );
    }
    case 'segments': {
      if (segmentMoves === 'any') {
        const moved = new Set([...signal.entered, ...signal.exited]);
        return journeys.some(
          (journey) =>
            (journey.trigger.kind === 'segment' && moved.has(journey.trigger.segment)) ||
            journey.exit.some((exit) => exit.kind === 'segment' && moved.has(exit.segment)),
        );
      }
      return journeys.some(
        (journey) =>
          (journey.trigger.kind === 'segment' &&
            (journey.trigger.on === 'enter' ? signal.entered : signal.exited).includes(journey.trigger.segment)) ||
          journey.exit.some((exit) => exit.kind === 'segment' && signal.exited.includes(exit.segment)),
      );
    }
    case 'schedule':
    case 'wake':
    case 'engagement':
      return true;
    default: {
      const unreachable: never = signal;
      throw new Error(`unknown signal ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Assignments (first one per experiment wins), the global holdout flag and trait updates. */
function profileEffects(changes: readonly RunChange[]): ((profile: Profile) => Profile | undefined) | undefined {
  const assigns = changes.flatMap((change) =>
    change.effects.flatMap((effect) => (effect.kind === 'assign' ? [effect] : [])),
  );
  const traits = Object.assign(
    {},
    ...changes.flatMap((change) =>
      change.effects.flatMap((effect) => (effect.kind === 'update' ? [effect.traits] : [])),
    ),
  ) as Profile['traits'];
  const holdout = changes.some((change) => change.before === undefined && change.run.holdout);
  if (assigns.length === 0 && Object.keys(traits).length === 0 && !holdout) return undefined;
  return (profile) => {
    const experiments = { ...profile.experiments };
    for (const assign of assigns) experiments[assign.experiment] ??= { variant: assign.variant, assignedAt: assign.at };
    const next: Profile = {
      ...profile,
      experiments,
      traits: { ...profile.traits, ...traits },
      holdout: profile.holdout || holdout,
    };
    const same =
      JSON.stringify(next.experiments) === JSON.stringify(profile.experiments) &&
      JSON.stringify(next.traits) === JSON.stringify(profile.traits) &&
      next.holdout === profile.holdout;
    return same ? undefined : next;
  };
}

/** The run a wake or an engagement names; undefined for a signal that may concern any run. */
function namedRun(signal: JourneySignal): { journeyId: string; runId: string } | undefined {
  return signal.kind === 'wake' || signal.kind === 'engagement'
    ? { journeyId: signal.journeyId, runId: signal.runId }
    : undefined;
}

/** The runs with the changed ones replaced (or added). */
function mergeRuns(runs: readonly JourneyRun[], changed: readonly JourneyRun[]): JourneyRun[] {
  const byKey = new Map(runs.map((run) => [`${run.journeyId}#${run.runId}`, run]));
  for (const run of changed) byKey.set(`${run.journeyId}#${run.runId}`, run);
  return [...byKey.values()];
}

/**
 * A wake or engagement for a customer with no current profile (merged into another, or deleted):
 * the run is ended so its wake does not come back every tick. Returns whether a run was written.
 */
export async function abandonRunOf(
  store: JourneyStore,
  customerId: string,
  journeyId: string,
  runId: string,
  reason: string,
  now: Date,
): Promise<boolean> {
  const run = await store.getRun(customerId, journeyId, runId);
  if (!run || !isLive(run)) return false;
  return (await store.putRun(abandonRun(run, reason, now.toISOString()), run.version)).written;
}

/**
 * A waiting run of an anonymous visitor who has since logged in (the anonymous profile was
 * merged into `userId`): the run moves to the customer, so a cart abandoned before login still
 * gets its reminder. The customer's copy keeps the run id, step, wake time and assignment (message
 * ids depend on the run id, not the customer, so the send ledger still dedups), and journey-tick
 * wakes it in the customer's own FIFO group; the anonymous run ends. A customer who already has a
 * live run of the journey keeps only that one. Returns whether anything was written.
 */
export async function handOverRunOf(
  store: JourneyStore,
  anonymousCustomerId: string,
  userId: string,
  journeyId: string,
  runId: string,
  now: Date,
): Promise<boolean> {
  const run = await store.getRun(anonymousCustomerId, journeyId, runId);
  if (!run || !isLive(run)) return false;
  const at = now.toISOString();
  const userRuns = (await store.listRuns(userId)).filter((candidate) => candidate.journeyId === journeyId);
  const moved = userRuns.some((candidate) => candidate.runId === runId);
  const handOver = !moved && run.status === 'waiting' && !userRuns.some(isLive);
  // A new item in the customer's partition (attribute_not_exists): a replay finds it moved.
  if (handOver) await store.putRun({ ...run, customerId: userId, updatedAt: at }, undefined);
  const reason = moved || handOver ? HANDED_OVER_AT_LOGIN : 'customer merged into another profile';
  return (await store.putRun(abandonRun(run, reason, at), run.version)).written;
}
