/**
 * The ids a sent message carries as provider tags (SES message tags; SNS has none, the outbox
 * records them), so feedback can name the customer, journey, run, step and variant again.
 * SES tag values allow only ASCII letters, digits, `_`, `-`, `.` and `@`: values outside that
 * (customer ids may hold anything) are sent as `b64.` + base64url, which no raw value can start
 * with ambiguously because raw values are passed through only when they contain no `.`.
 */
import type { MessageTags } from './ports.js';

const RAW = /^[A-Za-z0-9_@-]{1,200}$/;
const ENCODED = 'b64.';

export const TAG_NAMES = {
  customerId: 'customer',
  messageId: 'message',
  journeyId: 'journey',
  runId: 'run',
  stepId: 'step',
  variant: 'variant',
} as const;

export function encodeTagValue(value: string): string {
  return RAW.test(value) ? value : `${ENCODED}${Buffer.from(value, 'utf8').toString('base64url')}`;
}

export function decodeTagValue(value: string): string {
  return value.startsWith(ENCODED) ? Buffer.from(value.slice(ENCODED.length), 'base64url').toString('utf8') : value;
}

export function encodeMessageTags(tags: MessageTags): { Name: string; Value: string }[] {
  return (Object.keys(TAG_NAMES) as (keyof typeof TAG_NAMES)[])
    .filter((field) => tags[field] !== undefined)
    .map((field) => ({ Name: TAG_NAMES[field], Value: encodeTagValue(tags[field] as string) }));
}

/** From SES event `mail.tags` (name → values); undefined when a required id is missing (not our message). */
export function decodeMessageTags(
  tags: Record<string, readonly string[] | undefined> | undefined,
): MessageTags | undefined {
  const read = (name: string): string | undefined => {
    const value = tags?.[name]?.[0];
    return value === undefined ? undefined : decodeTagValue(value);
  };
  const customerId = read(TAG_NAMES.customerId);
  const messageId = read(TAG_NAMES.messageId);
  const journeyId = read(TAG_NAMES.journeyId);
  const runId = read(TAG_NAMES.runId);
  const stepId = read(TAG_NAMES.stepId);
  if (!customerId || !messageId || !journeyId || !runId || !stepId) return undefined;
  const variant = read(TAG_NAMES.variant);
  return { customerId, messageId, journeyId, runId, stepId, ...(variant ? { variant } : {}) };
}
