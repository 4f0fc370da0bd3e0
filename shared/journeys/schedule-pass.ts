/**
 * The schedule pass: reads profiles (one slice of a parallel scan, as the nightly refresh does),
 * and for every member of a scheduled journey's audience whose slot came within the window,
 * enqueues a `schedule` message into the customer's FIFO group. process-events decides entry
 * (entry segment, re-entry, holdout) as for any trigger; the run id comes from the slot, so a
 * repeated pass starts nothing twice.
 */
import type { CustomerMessage } from '../events/messages.js';
import type { AudienceIndex, Clock, EventQueue } from '../ports.js';
import type { Profile } from '../profiles/schema.js';
import type { Journey } from './ast.js';
import { dueBuckets, dueSlot } from './schedule.js';
import { customerTimezone } from './time-of-day.js';

export interface SchedulePassDeps {
  journeys: readonly Journey[];
  profiles: AsyncIterable<Profile>;
  queue: EventQueue;
  clock: Clock;
  defaultTimezone: string;
}

export interface SchedulePassResult {
  /** Items read: profiles scanned, or membership items of the due buckets. */
  scanned: number;
  enqueued: number;
  /** What was read: the audience index, or (before it is ready) every profile. */
  source?: 'index' | 'scan';
}

/** The pass runs hourly: every whole-hour cron in any timezone falls in exactly one window. */
export const SCHEDULE_WINDOW_MS = 3_600_000;

export async function schedulePass(
  deps: SchedulePassDeps,
  windowMs = SCHEDULE_WINDOW_MS,
  chunkSize = 100,
): Promise<SchedulePassResult> {
  const scheduled = deps.journeys.flatMap((journey) =>
    journey.trigger.kind === 'schedule' ? [{ journey, trigger: journey.trigger }] : [],
  );
  const result: SchedulePassResult = { scanned: 0, enqueued: 0, source: 'scan' };
  if (scheduled.length === 0) return result;
  const now = deps.clock.now();
  const { push, flush } = chunkedEnqueue(deps.queue, result, chunkSize);
  for await (const profile of deps.profiles) {
    result.scanned++;
    for (const { journey, trigger } of scheduled) {
      if (profile.segments[trigger.audience] === undefined) continue;
      const slot = dueSlot(trigger.cron, customerTimezone(profile.timezone, deps.defaultTimezone), now, windowMs);
      if (slot !== undefined) await push({ kind: 'schedule', customerId: profile.id, journeyId: journey.id, slot });
    }
  }
  await flush();
  return result;
}

export interface IndexedSchedulePassDeps extends Omit<SchedulePassDeps, 'profiles'> {
  index: AudienceIndex;
  /** The index shards this invocation reads (one per Map iteration; all of them locally). */
  shards: readonly number[];
}

/**
 * The same pass over the audience index (issue 20): for each scheduled journey, only the
 * time-zone buckets whose slot came within the window, and in them only the audience's members
 * of this invocation's shards. What it reads grows with the members due, not with the table.
 */
export async function schedulePassFromIndex(
  deps: IndexedSchedulePassDeps,
  windowMs = SCHEDULE_WINDOW_MS,
  chunkSize = 100,
): Promise<SchedulePassResult> {
  const result: SchedulePassResult = { scanned: 0, enqueued: 0, source: 'index' };
  const now = deps.clock.now();
  const { push, flush } = chunkedEnqueue(deps.queue, result, chunkSize);
  for (const journey of deps.journeys) {
    const trigger = journey.trigger;
    if (trigger.kind !== 'schedule') continue;
    for (const { bucket, slot } of dueBuckets(trigger.cron, now, windowMs, deps.defaultTimezone))
      for (const shard of deps.shards)
        for await (const customerId of deps.index.members(trigger.audience, bucket, shard)) {
          result.scanned++;
          await push({ kind: 'schedule', customerId, journeyId: journey.id, slot });
        }
  }
  await flush();
  return result;
}

function chunkedEnqueue(queue: EventQueue, result: SchedulePassResult, chunkSize: number) {
  let chunk: CustomerMessage[] = [];
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    await queue.enqueue(chunk);
    result.enqueued += chunk.length;
    chunk = [];
  };
  const push = async (message: CustomerMessage): Promise<void> => {
    chunk.push(message);
    if (chunk.length >= chunkSize) await flush();
  };
  return { push, flush };
}
