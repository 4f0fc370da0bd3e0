/**
 * The CRM loop's server events (issue 22; DESIGN "Events" and "Trust"): survey answers and
 * complaints. Ingest checks their properties here, so a bad score or a missing id is named at the
 * edge (`properties.score`) instead of being ignored later, and caps the free-text comment.
 *
 * Trust: `Survey Answered` needs a verified call (a server key, or a browser call with the
 * userId's identity token); the complaint events need a server key — a customer's own browser
 * must not open or close complaints, and settings.yaml `trust.browserEvents` cannot accept them.
 */
import * as z from 'zod';

export const CRM_EVENTS = {
  surveyAnswered: 'Survey Answered',
  complaintOpened: 'Complaint Opened',
  complaintResolved: 'Complaint Resolved',
} as const;

/** Events only a server key may send: even a verified browser call (identity token) is refused. */
export const SERVER_KEY_ONLY_EVENTS: readonly string[] = [CRM_EVENTS.complaintOpened, CRM_EVENTS.complaintResolved];

/** Longest comment kept (characters); longer ones are cut, never rejected: the score still counts. */
export const MAX_COMMENT_LENGTH = 1000;
const MAX_ID_LENGTH = 128;
const MAX_CATEGORY_LENGTH = 64;

export const COMPLAINT_CHANNELS = ['call_center', 'email', 'store', 'web'] as const;
export type ComplaintChannel = (typeof COMPLAINT_CHANNELS)[number];

const id = z.union([z.string().trim().min(1).max(MAX_ID_LENGTH), z.number().int().nonnegative()]).transform(String);

const surveyAnsweredSchema = z.looseObject({
  survey_id: id,
  score: z.number().int('must be a whole number from 0 to 10').min(0).max(10),
  comment: z
    .string()
    .optional()
    .transform((text) => (text === undefined ? undefined : capComment(text))),
  order_id: id.optional(),
});

const complaintSchema = z.looseObject({
  complaint_id: id,
  category: z.string().trim().min(1).max(MAX_CATEGORY_LENGTH).optional(),
  channel: z.enum(COMPLAINT_CHANNELS).optional(),
});

const SCHEMAS: Record<string, z.ZodType<Record<string, unknown>>> = {
  [CRM_EVENTS.surveyAnswered]: surveyAnsweredSchema,
  [CRM_EVENTS.complaintOpened]: complaintSchema,
  [CRM_EVENTS.complaintResolved]: complaintSchema,
};

export function isCrmEvent(name: string): boolean {
  return Object.hasOwn(SCHEMAS, name);
}

export type CrmPropertiesResult =
  | { ok: true; properties: Record<string, unknown> }
  | { ok: false; path: (string | number)[]; reason: string };

/**
 * A CRM event's properties, checked and normalised (ids as strings, the comment trimmed and capped,
 * an empty comment dropped). Reasons never repeat the value sent.
 */
export function crmProperties(name: string, properties: Record<string, unknown>): CrmPropertiesResult {
  const schema = Object.hasOwn(SCHEMAS, name) ? SCHEMAS[name] : undefined;
  if (!schema) return { ok: true, properties };
  const parsed = schema.safeParse(properties);
  if (parsed.success) {
    const checked = { ...parsed.data };
    if (checked.comment === undefined) delete checked.comment;
    return { ok: true, properties: checked };
  }
  const issue = parsed.error.issues[0];
  const field = (issue?.path ?? []).map((key) => (typeof key === 'symbol' ? String(key) : key));
  return { ok: false, path: ['properties', ...field], reason: reasonOf(field[0], issue?.code) };
}

function reasonOf(field: string | number | undefined, code: string | undefined): string {
  switch (field) {
    case 'score':
      return 'must be a whole number from 0 to 10';
    case 'survey_id':
    case 'complaint_id':
    case 'order_id':
      return code === 'invalid_type' && field !== 'order_id'
        ? 'is required: a non-empty string (≤ 128 characters) or a whole number'
        : 'must be a non-empty string (≤ 128 characters) or a whole number';
    case 'category':
      return `must be a non-empty string of at most ${MAX_CATEGORY_LENGTH} characters`;
    case 'channel':
      return `must be one of ${COMPLAINT_CHANNELS.join(', ')}`;
    case 'comment':
      return 'must be a string';
    default:
      return 'is invalid';
  }
}

/** Trimmed, cut to MAX_COMMENT_LENGTH characters (whole code points); undefined when empty. */
export function capComment(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const points = [...trimmed];
  return points.length <= MAX_COMMENT_LENGTH ? trimmed : points.slice(0, MAX_COMMENT_LENGTH).join('');
}
