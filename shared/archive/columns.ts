/**
 * The archive's columns (issue 23, "The archive" and "Privacy by design"): the one list the row
 * builders fill, the local Parquet export writes, the Glue tables declare (Firehose's record
 * format conversion drops any field its schema lacks) and README "Your data, out" documents.
 *
 * It is an allow-list: a field of an event, a decision or an engagement reaches the archive only
 * when a column below names it. No email address, phone number, device token, name, free-text
 * trait, survey comment or raw page URL has a column; ids are pseudonyms (pseudonym.ts); short
 * strings that came from a caller are scrubbed of anything that reads as an address (scrub.ts).
 */

export const ARCHIVE_STREAMS = ['events', 'decisions', 'engagement'] as const;
export type ArchiveStream = (typeof ARCHIVE_STREAMS)[number];

/** Parquet / Glue types: `timestamp` is an ISO-8601 UTC string in JSON lines, a TIMESTAMP in Parquet and Glue. */
export type ColumnType = 'string' | 'double' | 'boolean' | 'timestamp';

export interface ArchiveColumn {
  name: string;
  type: ColumnType;
  /** What the column holds (README "Your data, out" and the Glue column comment). */
  doc: string;
}

/** A row as the writers take it: every column present, null where the value is absent. */
export type ArchiveValue = string | number | boolean | null;
export type ArchiveRow = Record<string, ArchiveValue>;

/** Hive-style partition of every stream: the UTC day of the row's own time (`timestamp`, `decided_at`, `at`), not of arrival. */
export const PARTITION_COLUMN: ArchiveColumn = {
  name: 'dt',
  type: 'string',
  doc: "UTC day (YYYY-MM-DD) of the row's own time: the event's timestamp, the decision's or the engagement's time",
};

const customer: ArchiveColumn = {
  name: 'customer',
  type: 'string',
  doc: "pseudonym of the customer (HMAC with the customer's own archive key; gone with `forget`)",
};

export const ARCHIVE_COLUMNS: Readonly<Record<ArchiveStream, readonly ArchiveColumn[]>> = {
  events: [
    {
      name: 'event_id',
      type: 'string',
      doc: "pseudonym of the event's messageId (replay keeps it: an order without order_id is identified by it)",
    },
    { name: 'type', type: 'string', doc: 'track, identify, page, screen, alias or group' },
    { name: 'event', type: 'string', doc: 'track event name or page name (scrubbed)' },
    customer,
    {
      name: 'customer_kind',
      type: 'string',
      doc: '`known` (a userId) or `anonymous` (an anonymous profile) at the time',
    },
    { name: 'anonymous_id', type: 'string', doc: "pseudonym of the call's anonymousId" },
    {
      name: 'merged_anonymous',
      type: 'string',
      doc: "identify/alias that linked an anonymous profile: the `customer` value of that profile's rows",
    },
    { name: 'timestamp', type: 'timestamp', doc: 'when it happened (client time, clamped by ingest)' },
    { name: 'received_at', type: 'timestamp', doc: 'when ingest received it' },
    {
      name: 'source_key_id',
      type: 'string',
      doc: 'id of the write key (never the key): server-1, browser-1, import, internal…',
    },
    { name: 'source_scope', type: 'string', doc: '`server` or `browser`' },
    { name: 'source_verified', type: 'boolean', doc: 'server key, or browser call with a valid identity token' },
    { name: 'order_id', type: 'string', doc: 'pseudonym of order_id (orders, refunds, a survey about an order)' },
    {
      name: 'revenue',
      type: 'double',
      doc: 'order amount as counted (revenue ?? total ?? Σ price × quantity); refund amount',
    },
    { name: 'currency', type: 'string', doc: 'ISO 4217 code as sent' },
    { name: 'products', type: 'string', doc: 'JSON array of {product_id, category, quantity, price} (orders, carts)' },
    { name: 'product_id', type: 'string', doc: 'product events: product_id ?? sku ?? id (scrubbed)' },
    { name: 'category', type: 'string', doc: 'product events and complaints: category (scrubbed)' },
    { name: 'price', type: 'double', doc: 'product events: price' },
    { name: 'quantity', type: 'double', doc: 'product events: quantity' },
    { name: 'survey_id', type: 'string', doc: 'Survey Answered: the survey (scrubbed; the comment is never archived)' },
    { name: 'score', type: 'double', doc: 'Survey Answered: the score, 0–10' },
    { name: 'complaint_id', type: 'string', doc: 'pseudonym of complaint_id (Complaint Opened, Complaint Resolved)' },
    { name: 'complaint_channel', type: 'string', doc: 'complaints: call_center, email, store or web' },
    { name: 'call_id', type: 'string', doc: 'pseudonym of call_id (Call Completed: the call task)' },
    {
      name: 'call_outcome',
      type: 'string',
      doc: 'Call Completed: reached, no_answer, declined, converted or wrong_number',
    },
    {
      name: 'page_path',
      type: 'string',
      doc: 'page calls: the path only — no host, query string or fragment (scrubbed)',
    },
    { name: 'locale', type: 'string', doc: 'context or trait locale' },
    { name: 'timezone', type: 'string', doc: 'context or trait timezone (IANA)' },
    { name: 'device_type', type: 'string', doc: 'push device platform (ios/android); never the token' },
    { name: 'has_email', type: 'boolean', doc: 'identify carried an email address (the address is not archived)' },
    { name: 'has_phone', type: 'boolean', doc: 'identify carried a phone number (the number is not archived)' },
    { name: 'consent_email', type: 'boolean', doc: 'identify set email consent to this value' },
    { name: 'consent_sms', type: 'boolean', doc: 'identify set SMS consent to this value' },
    { name: 'consent_push', type: 'boolean', doc: 'identify set push consent to this value' },
  ],
  decisions: [
    { name: 'message_id', type: 'string', doc: "pseudonym of the send's ledger id (joins engagement.message_id)" },
    customer,
    { name: 'kind', type: 'string', doc: '`journey` or `confirm` (double opt-in)' },
    { name: 'journey_id', type: 'string', doc: 'journey' },
    { name: 'run_id', type: 'string', doc: "pseudonym of the journey run's id" },
    { name: 'step_id', type: 'string', doc: 'journey step' },
    { name: 'variant', type: 'string', doc: 'experiment variant, or holdout' },
    {
      name: 'channel',
      type: 'string',
      doc: 'channel used or refused (a fallback channel when the first had no consent)',
    },
    { name: 'transactional', type: 'boolean', doc: 'exempt from frequency caps' },
    {
      name: 'reason',
      type: 'string',
      doc: 'sent, holdout, no_consent, unreachable, suppressed, missing_variable, deferred, frequency_cap, failed, unknown, duplicate…',
    },
    { name: 'cause', type: 'string', doc: 'deferred: quiet_hours, rate_limited or throttled' },
    { name: 'detail', type: 'string', doc: 'the missing variable, the cap hit, the provider error code (scrubbed)' },
    { name: 'wake_at', type: 'timestamp', doc: 'deferred: when the request comes back' },
    { name: 'provider_message_id', type: 'string', doc: "pseudonym of the provider's message id (SES, SNS)" },
    { name: 'requested_at', type: 'timestamp', doc: 'when the journey step asked for the send' },
    { name: 'decided_at', type: 'timestamp', doc: 'when the send handler decided' },
  ],
  engagement: [
    { name: 'message_id', type: 'string', doc: 'pseudonym of the ledger id (joins decisions.message_id)' },
    customer,
    { name: 'type', type: 'string', doc: 'delivered, opened, clicked, bounced, complained or unsubscribed' },
    { name: 'channel', type: 'string', doc: 'channel of the message (unsubscribed: the channel revoked)' },
    { name: 'journey_id', type: 'string', doc: 'journey of the message (empty for an unsubscribe)' },
    { name: 'run_id', type: 'string', doc: "pseudonym of the journey run's id" },
    { name: 'step_id', type: 'string', doc: 'journey step' },
    { name: 'at', type: 'timestamp', doc: 'when the provider reported it' },
  ],
};

/** The time column whose UTC day partitions the stream. */
export const PARTITION_TIME: Readonly<Record<ArchiveStream, string>> = {
  events: 'timestamp',
  decisions: 'decided_at',
  engagement: 'at',
};

export function isArchiveStream(value: string): value is ArchiveStream {
  return (ARCHIVE_STREAMS as readonly string[]).includes(value);
}

/** The row with every column of the stream, in order, null where `values` has none; nothing else. */
export function archiveRow(
  stream: ArchiveStream,
  values: Readonly<Record<string, ArchiveValue | undefined>>,
): ArchiveRow {
  const row: ArchiveRow = {};
  for (const column of ARCHIVE_COLUMNS[stream]) row[column.name] = values[column.name] ?? null;
  return row;
}

/** The partition day of a row (`dt`): the UTC date of its own time column. */
export function partitionDay(stream: ArchiveStream, row: ArchiveRow): string {
  const time = row[PARTITION_TIME[stream]];
  const iso = typeof time === 'string' && !Number.isNaN(Date.parse(time)) ? new Date(time).toISOString() : undefined;
  return (iso ?? '1970-01-01T').slice(0, 10);
}
