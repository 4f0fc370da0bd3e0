/**
 * The hourly schedule pass fanned out (DESIGN "Journeys", scheduled triggers): a plan names the
 * pass's scheduled time and a list of abstract shards, and the Step Functions Map runs one
 * journey-schedule invocation per shard. A shard is only `{ shard, shards }`: what reads it is
 * the deployment's choice (today a parallel Scan segment; an audience index could answer the
 * same shard with a Query), and together the shards cover every profile exactly once.
 */
import * as z from 'zod';

/** Shards per pass: each stays far below Lambda's 15 minutes for millions of profiles. */
export const SCHEDULE_SHARDS = 16;

export interface ProfileShard {
  shard: number;
  shards: number;
}

/** One Map item: a shard and the scheduled time every shard computes its window from. */
export interface ScheduleShardInput extends ProfileShard {
  at: string;
}

export type SchedulePlan =
  | { run: true; at: string; shards: ScheduleShardInput[] }
  | { run: false; at: string; reason: string };

export const scheduleShardInputSchema = z
  .object({
    shard: z.number().int().nonnegative(),
    shards: z.number().int().positive().max(1_000_000),
    at: z.iso.datetime({ offset: true }),
  })
  .refine((input) => input.shard < input.shards, { message: 'shard must be below shards', path: ['shard'] });

export function planScheduleShards(at: string, shards = SCHEDULE_SHARDS): SchedulePlan {
  return { run: true, at, shards: Array.from({ length: shards }, (_, shard) => ({ shard, shards, at })) };
}
