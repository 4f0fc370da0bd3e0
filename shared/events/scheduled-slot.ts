/**
 * A scheduled pass runs once per scheduled time. EventBridge Scheduler puts
 * `<aws.scheduler.scheduled-time>` into the input (`{ "scheduledTime": "…" }`), and may deliver
 * one invocation more than once (its own retries, Lambda's async retries, a Step Functions
 * retry); the pass claims that slot with a conditional write first and does nothing when it is
 * taken. An invocation without a scheduled time (the local runtime, an operator's manual run)
 * always runs.
 */
import type middy from '@middy/core';
import * as z from 'zod';
import type { PassSlots } from '../ports.js';

const scheduledInputSchema = z.object({ scheduledTime: z.iso.datetime({ offset: true }) });

/** What a pass answers when its slot was already claimed. */
export interface SkippedPass {
  skipped: 'slot already claimed';
  scheduledTime: string;
}

/** The scheduled time in an invocation's input, or undefined when it has none (or not a valid one). */
export function scheduledTimeOf(event: unknown): string | undefined {
  const parsed = scheduledInputSchema.safeParse(event);
  return parsed.success ? parsed.data.scheduledTime : undefined;
}

/** Claims the invocation's slot; undefined means "run", a SkippedPass means a previous delivery had it. */
export async function claimScheduledSlot(
  slots: PassSlots | undefined,
  pass: string,
  event: unknown,
): Promise<SkippedPass | undefined> {
  const scheduledTime = scheduledTimeOf(event);
  if (scheduledTime === undefined) return undefined;
  if (slots === undefined)
    throw new Error(`${pass}: a scheduled invocation (${scheduledTime}) arrived, but no slot store was given`);
  return (await slots.claim(pass, scheduledTime)) ? undefined : { skipped: 'slot already claimed', scheduledTime };
}

/** middy middleware: answers a repeated delivery with the SkippedPass, before the handler runs. */
export function oncePerScheduledSlot<Event, Result>(
  slots: PassSlots | undefined,
  pass: string,
  log: (message: string, details: Record<string, unknown>) => void,
): middy.MiddlewareObj<Event, Result | SkippedPass> {
  return {
    before: async (request) => {
      const skipped = await claimScheduledSlot(slots, pass, request.event);
      if (skipped === undefined) return;
      log('scheduled slot already claimed; this delivery does nothing', { ...skipped });
      return skipped;
    },
  };
}
