/**
 * The one parser for campaign durations ("30m", "2h", "7d", "1w"): segments, journeys and
 * settings all read durations through here, so "7d" means the same thing everywhere.
 */
import * as z from 'zod';

const UNIT_MS = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;

const DURATION_PATTERN = /^([1-9]\d{0,5})(s|m|h|d|w)$/;

export const DURATION_HINT = 'expected a duration such as "30m", "2h", "7d" or "1w"';

/** Milliseconds in the duration, or undefined when the text is not a duration. */
export function tryParseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match as unknown as [string, string, keyof typeof UNIT_MS];
  return Number(amount) * UNIT_MS[unit];
}

/** Milliseconds in the duration; throws a readable error when the text is not a duration. */
export function parseDuration(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined) throw new Error(`"${text}" is not a duration: ${DURATION_HINT}`);
  return ms;
}

/** A duration as written in YAML: a positive whole number and one unit of s, m, h, d, w. */
export const durationSchema = z
  .string({ error: DURATION_HINT })
  .regex(DURATION_PATTERN, DURATION_HINT)
  .describe('Duration: a positive whole number and a unit: s, m, h, d (days) or w (weeks), e.g. 7d');

/** The same text, parsed to milliseconds. */
export const durationMsSchema = durationSchema.transform((text) => parseDuration(text));
