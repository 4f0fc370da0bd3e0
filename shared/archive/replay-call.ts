/**
 * An archived event as the Segment call that re-posts it (`sadakat replay`, issue 23): the
 * pseudonyms become the ids, so the replayed folder holds one profile per archived customer,
 * named by its pseudonym. The archived message id is kept (an order without `order_id` is
 * identified by it, so orders stay exactly once); an identify or alias that merged an anonymous
 * profile names that profile's pseudonym, so the replay merges the same two. What the archive
 * never kept (addresses, traits) is not replayed: the rebuilt profiles hold behaviour and orders,
 * nothing to send to.
 */
import { createHash } from 'node:crypto';
import type { ArchiveRow } from './columns.js';

export type ReplayCall = Record<string, unknown> & { type: string };

function text(row: ArchiveRow, column: string): string | undefined {
  const value = row[column];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function number(row: ArchiveRow, column: string): number | undefined {
  const value = row[column];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Undefined when the row cannot be replayed: no customer pseudonym (archived before the profile had a key). */
export function replayCall(row: ArchiveRow): ReplayCall | undefined {
  const customer = text(row, 'customer');
  const type = text(row, 'type');
  const timestamp = text(row, 'timestamp');
  if (customer === undefined || type === undefined || timestamp === undefined) return undefined;
  const anonymous = row.customer_kind === 'anonymous';
  const merged = text(row, 'merged_anonymous');
  const ids: Record<string, string> = anonymous ? { anonymousId: customer } : { userId: customer };
  if (type === 'identify' && merged !== undefined && !anonymous) ids.anonymousId = merged;
  if (type === 'alias') {
    if (anonymous) return undefined;
    ids.previousId = merged ?? text(row, 'anonymous_id') ?? customer;
  }
  const messageId = text(row, 'event_id');
  const context = compact({ locale: text(row, 'locale'), timezone: text(row, 'timezone') });
  const call: ReplayCall = {
    type,
    ...ids,
    ...(messageId !== undefined ? { messageId } : {}),
    timestamp,
    ...(Object.keys(context).length > 0 ? { context } : {}),
  };
  switch (type) {
    case 'track':
      return { ...call, event: text(row, 'event') ?? 'track', properties: properties(row) };
    case 'page':
    case 'screen': {
      const name = text(row, 'event');
      const path = text(row, 'page_path');
      return { ...call, ...(name !== undefined ? { name } : {}), properties: compact({ path }) };
    }
    default:
      return call;
  }
}

function properties(row: ArchiveRow): Record<string, unknown> {
  return compact({
    order_id: text(row, 'order_id'),
    revenue: number(row, 'revenue'),
    currency: text(row, 'currency'),
    products: products(text(row, 'products')),
    product_id: text(row, 'product_id'),
    category: text(row, 'category'),
    price: number(row, 'price'),
    quantity: number(row, 'quantity'),
    survey_id: text(row, 'survey_id'),
    score: number(row, 'score'),
    complaint_id: text(row, 'complaint_id'),
    channel: text(row, 'complaint_channel'),
    // Call Completed wants the task id as 64 hex characters: the pseudonym's sha256 (one per task).
    call_id: callTaskId(text(row, 'call_id')),
    outcome: text(row, 'call_outcome'),
  });
}

function callTaskId(pseudonym: string | undefined): string | undefined {
  return pseudonym === undefined ? undefined : createHash('sha256').update(pseudonym).digest('hex');
}

function products(json: string | undefined): unknown[] | undefined {
  if (json === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function compact(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== null));
}
