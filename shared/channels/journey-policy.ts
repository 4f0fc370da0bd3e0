/**
 * A journey's send overrides (DESIGN "Campaign folder": `limits` — per-customer caps for this
 * journey, and `messagesPerSecond` across it — and `quietHours`), read from campaign/journeys/*.yaml for the send handler. Only these
 * two fields are read here; the journey loader validates the whole file (`sadakat validate`).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import * as z from 'zod';
import type { JourneySendPolicy } from './decide-send.js';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
const policySchema = z.object({
  id: z.string(),
  limits: z
    .object({
      perDay: z.number().int().positive().optional(),
      perWeek: z.number().int().positive().optional(),
      messagesPerSecond: z.number().positive().optional(),
    })
    .optional(),
  quietHours: z.object({ start: clock, end: clock }).optional(),
});

export async function loadJourneyPolicies(campaignDir: string): Promise<Map<string, JourneySendPolicy>> {
  const dir = join(campaignDir, 'journeys');
  const policies = new Map<string, JourneySendPolicy>();
  let files: string[];
  try {
    files = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return policies;
    throw error;
  }
  for (const file of files) {
    const parsed = policySchema.safeParse(parse(await readFile(join(dir, file), 'utf8')));
    if (!parsed.success) continue; // the journey loader reports broken files with their location
    const { id, limits, quietHours } = parsed.data;
    const policy: JourneySendPolicy = {};
    if (limits && (limits.perDay !== undefined || limits.perWeek !== undefined)) {
      policy.limits = {
        ...(limits.perDay !== undefined ? { perDay: limits.perDay } : {}),
        ...(limits.perWeek !== undefined ? { perWeek: limits.perWeek } : {}),
      };
    }
    if (limits?.messagesPerSecond !== undefined) policy.messagesPerSecond = limits.messagesPerSecond;
    if (quietHours) policy.quietHours = quietHours;
    policies.set(id, policy);
  }
  return policies;
}
