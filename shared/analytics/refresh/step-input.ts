/**
 * What each refresh phase receives from the state machine (plan's output feeds the Map states,
 * summarize's outputs feed fit, fit's output feeds the score Map). A malformed input fails with
 * the field and the reason, so a broken state machine definition is found at its first run.
 */
import * as z from 'zod';
import { normalizeTimezone } from '../../profiles/locale.js';
import { dayOfDate } from '../calendar-day.js';

const asOf = z.string().refine((value) => dayOfDate(value).ok, 'expected a date YYYY-MM-DD');
// The shop's calendar (docs/decisions.md 84); a valid IANA zone, or the day arithmetic would throw.
const timezone = z
  .string()
  .refine((zone) => normalizeTimezone(zone) !== undefined, 'expected an IANA time zone such as Europe/Istanbul');
const run = { runId: z.string().min(1), asOf, at: z.iso.datetime(), timezone };
const slice = { segment: z.number().int().nonnegative(), totalSegments: z.number().int().positive() };

export const planInputSchema = z.object({ asOf: asOf.optional() }).loose();
export const sliceInputSchema = z.object({ ...run, ...slice }).refine((input) => input.segment < input.totalSegments, {
  message: 'segment must be below totalSegments',
  path: ['segment'],
});
export const fitInputSchema = z.object({
  ...run,
  summaries: z
    .array(
      z
        .object({
          key: z.string().min(1),
          customers: z.number().int().nonnegative().optional(),
          consoleCounts: z.boolean().optional(),
        })
        .loose(),
    )
    .min(1),
});
export const scoreInputSchema = z
  .object({ ...run, ...slice, modelKey: z.string().min(1) })
  .refine((input) => input.segment < input.totalSegments, {
    message: 'segment must be below totalSegments',
    path: ['segment'],
  });

export class InvalidStepInputError extends Error {
  override readonly name = 'InvalidStepInputError';
}

export function parseStepInput<T>(phase: string, schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InvalidStepInputError(
    `refresh ${phase} input: ${issue?.path.join('.') || '(input)'}: ${issue?.message ?? 'invalid'}`,
  );
}
