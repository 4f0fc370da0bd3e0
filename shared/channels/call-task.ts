/**
 * The `call` channel's task (DESIGN "Send"; issue 22): what an agent gets — the customer's
 * number, queue, priority, why they are called, the rendered script and when the call is due.
 * The same task goes to Amazon Connect (shared/aws/connect-call-sender.ts) or to the local call
 * list (shared/local/local-call-list.ts) that `sadakat calls export` turns into a dialler CSV.
 */
import { createHash } from 'node:crypto';
import type { Profile } from '../profiles/schema.js';
import type { CallTask, MessageTags } from './ports.js';
import type { CallPriority, CallRouting, SendRequest } from './send-request.js';

/** The queue of a `send: { channel: call }` step that names none. */
export const DEFAULT_CALL_QUEUE = 'default';

/** How long an agent team has for a task, by priority: `due_at` is the creation time plus this. */
export const CALL_DUE_HOURS: Readonly<Record<CallPriority, number>> = { high: 4, normal: 24, low: 72 };

export function callRoutingOf(request: Pick<SendRequest, 'call'>): CallRouting {
  return request.call ?? { queue: DEFAULT_CALL_QUEUE, priority: 'normal' };
}

export function callDueAt(priority: CallPriority, createdAt: Date): string {
  return new Date(createdAt.getTime() + CALL_DUE_HOURS[priority] * 3_600_000).toISOString();
}

/**
 * The provider's idempotency token: unique per customer and message. The message id alone is not:
 * a scheduled journey's slot gives every customer of the slot the same one (the ledger is keyed
 * per customer), and Connect's ClientToken is instance-wide — it would answer the second
 * customer's task with the first one's contact.
 */
export function callClientToken(customerId: string, messageId: string): string {
  return createHash('sha256').update(`${customerId}\n${messageId}`).digest('hex');
}

/** The task for `phone`, created `now` from the request and its rendered script. */
export function callTaskOf(input: {
  request: SendRequest;
  name: Profile['name'];
  phone: string;
  script: string;
  tags: MessageTags;
  now: Date;
}): CallTask {
  const { request, phone, script, tags, now } = input;
  const routing = callRoutingOf(request);
  const name = [input.name.first, input.name.last].filter(Boolean).join(' ');
  return {
    clientToken: callClientToken(request.customerId, request.messageId),
    customerId: request.customerId,
    phone,
    ...(name ? { name } : {}),
    queue: routing.queue,
    priority: routing.priority,
    reason: `${request.journeyId}/${request.stepId}`,
    script,
    createdAt: now.toISOString(),
    dueAt: callDueAt(routing.priority, now),
    tags,
  };
}

/**
 * The dialler CSV's columns (`sadakat calls export`, the S3 drop): what a dialler needs first,
 * then the script and ids. The free-text ones are neutralised against spreadsheet formulas
 * (shared/csv-output.ts); the E.164 phone never is.
 */
export const CALL_CSV_COLUMNS = [
  'customer_id',
  'phone',
  'queue',
  'priority',
  'reason',
  'due_at',
  'name',
  'script',
  'call_id',
  'created_at',
] as const;
export const CALL_CSV_FREE_TEXT: readonly string[] = ['customer_id', 'queue', 'reason', 'name', 'script'];

/** A task's cells in CALL_CSV_COLUMNS order; the call id is the message id (`Call Completed`'s `call_id`). */
export function callCsvCells(task: CallTask): string[] {
  return [
    task.customerId,
    task.phone,
    task.queue,
    task.priority,
    task.reason,
    task.dueAt,
    task.name ?? '',
    task.script,
    task.tags.messageId,
    task.createdAt,
  ];
}

/**
 * `text` cut to at most `limit` UTF-16 code units (Connect counts characters as Java does), at a
 * whitespace boundary when one is near, with an ellipsis; never splitting a surrogate pair.
 */
export function fitToLimit(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let cut = limit - 1;
  if (cut > 0 && /[\uD800-\uDBFF]/.test(text.charAt(cut - 1))) cut--;
  const space = text.lastIndexOf(' ', cut);
  if (space > cut * 0.8) cut = space;
  return `${text.slice(0, cut).trimEnd()}…`;
}
