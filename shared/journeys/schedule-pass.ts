/**
 * The schedule pass: reads profiles (one slice of a parallel scan, as the nightly refresh does),
 * and for every member of a scheduled journey's audience whose slot came within the window,
 * enqueues a `schedule` message into the customer's FIFO group. process-events decides entry
 * (entry segment, re-entry, holdout) as for any trigger; the run id comes from the slot, so a
 * repeated pass starts nothing twice.
 */
import type { CustomerMessage } from '../events/messages.js';
import type { Clock, EventQueue } from '../ports.js';
import type { Profile } from '../profiles/schema.js';
import type { Journey } from './ast.js';
import { dueSlot } from './schedule.js';
import { customerTimezone } from './time-of-day.js';

export interface SchedulePassDeps {
  journeys: readonly Journey[];
  profiles: AsyncIterable<Profile>;
  queue: EventQueue;
  clock: Clock;
  defaultTimezone: string;
}

export interface SchedulePassResult {
  scanned: number;
  enqueued: number;
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
  const result: SchedulePassResult = { scanned: 0, enqueued: 0 };
  if (scheduled.length === 0) return result;
  const now = deps.clock.now();
  let chunk: CustomerMessage[] = [];
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    await deps.queue.enqueue(chunk);
    result.enqueued += chunk.length;
    chunk = [];
  };
  for await (const profile of deps.profiles) {
    result.scanned++;
    for (const { journey, trigger } of scheduled) {
      if (profile.segments[trigger.audience] === undefined) continue;
      const slot = dueSlot(trigger.cron, customerTimezone(profile.timezone, deps.defaultTimezone), now, windowMs);
      if (slot !== undefined) chunk.push({ kind: 'schedule', customerId: profile.id, journeyId: journey.id, slot });
    }
    if (chunk.length >= chunkSize) await flush();
  }
  await flush();
  return result;
}
