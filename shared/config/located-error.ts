/**
 * A problem in a campaign file and its place, without the YAML parser: the runtime (functions that
 * read the compiled campaign, shared/wiring/compiled-campaign.ts) reports zod issues by path with
 * these too, and must not carry the `yaml` package. yaml-source.ts locates paths in YAML text.
 */
import type { z } from 'zod';

export type SourcePath = readonly (string | number)[];

/** A problem in a campaign file, located for people (1-based line and column). */
export interface LocatedError {
  file: string;
  line: number;
  column: number;
  reason: string;
}

/** A campaign file is wrong: the message lists every problem as file:line:column: reason. */
export class CampaignConfigError extends Error {
  override readonly name = 'CampaignConfigError';
}

export function formatLocatedError(error: LocatedError): string {
  return `${error.file}:${error.line}:${error.column}: ${error.reason}`;
}

/** Where a zod issue is best shown: at the first unknown key itself, else at the value. */
export function zodIssuePath(issue: z.core.$ZodIssue): SourcePath {
  const path = issue.path as SourcePath;
  return issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined ? [...path, issue.keys[0]] : path;
}

/** One line naming the field and what was wrong with it. */
export function describeZodIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  if (issue.code === 'unrecognized_keys')
    return `${field}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `${field}${issue.message}`;
}
