/**
 * The customer profile (DESIGN "Profile", a contract): the single source of the TypeScript type
 * and of the attribute paths that segment rules may name.
 *
 * Size discipline: a typical profile stays ≤ 1 KB (1 WCU per write), so counters are sparse maps
 * keyed by compact numbers and lists are capped (see `limits.ts`). Timestamps are ISO-8601 UTC
 * strings (they sort as text and read well in `sadakat profile`).
 */
import * as z from 'zod';

export const isoTimestamp = z.string().describe('ISO-8601 UTC timestamp');

/**
 * `untimed`: a grant that came without a timestamp of its own (a replayed trait, perhaps); it
 * never outweighs a revocation (shared/profiles/consent.ts).
 */
export const consentSchema = z.object({
  granted: z.boolean(),
  at: isoTimestamp,
  untimed: z.literal(true).optional(),
});
export type Consent = z.infer<typeof consentSchema>;

export const pushDeviceSchema = z.object({
  /** The device token as sent by the app; replaced by the SNS endpoint ARN once sending registers it. */
  token: z.string(),
  platform: z.enum(['ios', 'android']),
  endpoint: z.string().optional(),
  enabled: z.boolean(),
  at: isoTimestamp,
});
export type PushDevice = z.infer<typeof pushDeviceSchema>;

/**
 * Event history for one event name (or one tracked property value of it).
 * `daily` keys are UTC day numbers since 1970-01-01, `hourly` keys UTC hour numbers since the
 * epoch: short keys keep the item small. Only the last 90 days / 48 hours are kept.
 */
export const eventHistorySchema = z.object({
  lastAt: isoTimestamp,
  count: z.number().int().nonnegative(),
  daily: z.record(z.string(), z.number().int().positive()),
  hourly: z.record(z.string(), z.number().int().positive()),
});
export type EventHistory = z.infer<typeof eventHistorySchema>;

export const eventSummarySchema = eventHistorySchema.extend({
  /** Per tracked property value (declared in campaign/settings.yaml), keyed `<property>=<value>`. */
  props: z.record(z.string(), eventHistorySchema).optional(),
});
export type EventSummary = z.infer<typeof eventSummarySchema>;

export const recentProductSchema = z.object({
  productId: z.string(),
  category: z.string().optional(),
  at: isoTimestamp,
});
export type RecentProduct = z.infer<typeof recentProductSchema>;

export const cartItemSchema = z.object({
  productId: z.string(),
  quantity: z.number().positive(),
  price: z.number().nonnegative(),
  at: isoTimestamp,
});
export type CartItem = z.infer<typeof cartItemSchema>;

export const ordersSchema = z.object({
  count: z.number().int().nonnegative(),
  revenue: z.number(),
  firstAt: isoTimestamp.optional(),
  lastAt: isoTimestamp.optional(),
  /** Distinct UTC order days (BG/NBD's x = days − 1). */
  days: z.number().int().nonnegative(),
  /** Amount summed over the first order day (same-day orders merge, as the papers do). */
  firstAmount: z.number(),
  /** Revenue of the repeat order days: revenue − firstAmount (Gamma-Gamma's m_x = repeatRevenue / (days − 1)). */
  repeatRevenue: z.number(),
  /** Distinct order days as UTC day numbers, ascending, so late or replayed orders count days exactly. */
  dayNumbers: z.array(z.number().int()),
});
export type Orders = z.infer<typeof ordersSchema>;

export const rfmSchema = z.object({
  r: z.number().int().min(1).max(5),
  f: z.number().int().min(1).max(5),
  m: z.number().int().min(1).max(5),
  segment: z.enum([
    'hibernating',
    'at_risk',
    'cant_lose',
    'about_to_sleep',
    'need_attention',
    'loyal_customers',
    'promising',
    'new_customers',
    'potential_loyalists',
    'champions',
  ]),
});
export type Rfm = z.infer<typeof rfmSchema>;

export const clvSchema = z.object({
  // The figures drift daily: since decision 225 they are computed on read (analytics/clv-on-read.ts)
  // from `basis` and the order summary, and stored only on profiles scored before it.
  pAlive: z.number().min(0).max(1).optional(),
  expectedPurchases30d: z.number().nonnegative().optional(),
  value12m: z.number().optional(),
  tier: z.enum(['high', 'medium', 'low']),
  /** Churn score: P(no purchase in the next 30 days), MBG/NBD. Absent on profiles scored before it existed. */
  pNoPurchase30d: z.number().min(0).max(1).optional(),
  /** The fitted BG/NBD, Gamma-Gamma and MBG/NBD parameters the customer was last scored with (11 numbers). */
  basis: z.array(z.number()).length(11).optional(),
});
export type Clv = z.infer<typeof clvSchema>;

/**
 * Contact points and consent grants an unverified browser call gave (DESIGN "Trust"): kept, never
 * used for sending. A pending email with a pending email grant starts double opt-in; confirming
 * moves the address to `channels.email` with consent granted. Pending SMS and push consent wait
 * for a verified call, which sets what it sets.
 */
export const pendingSchema = z.object({
  email: z.object({ address: z.string(), at: isoTimestamp }).optional(),
  phone: z.object({ number: z.string(), at: isoTimestamp }).optional(),
  consent: z
    .object({
      email: consentSchema.optional(),
      sms: consentSchema.optional(),
      push: consentSchema.optional(),
      call: consentSchema.optional(),
      whatsapp: consentSchema.optional(),
    })
    .optional(),
});
export type Pending = z.infer<typeof pendingSchema>;

/** NPS categories (issue 22): promoter 9–10, passive 7–8, detractor 0–6. */
export const npsCategorySchema = z.enum(['promoter', 'passive', 'detractor']);
export type NpsCategory = z.infer<typeof npsCategorySchema>;

/** A customer's last answer to one survey (the comment itself is its own item: shared/profiles/survey-answers.ts). */
export const surveyAnswerSchema = z.object({
  score: z.number().int().min(0).max(10),
  at: isoTimestamp,
  orderId: z.string().optional(),
});
export type SurveyAnswer = z.infer<typeof surveyAnswerSchema>;

/** The latest survey answer of any survey, as NPS: what segments (`nps.category`) and journeys read. */
export const npsSummarySchema = z.object({
  last: z.number().int().min(0).max(10),
  at: isoTimestamp,
  category: npsCategorySchema,
  surveyId: z.string(),
  /** The first characters of that answer's comment, if it had one; the whole comment is never in the profile. */
  excerpt: z.string().optional(),
});
export type NpsSummary = z.infer<typeof npsSummarySchema>;

export const openComplaintSchema = z.object({
  category: z.string().optional(),
  channel: z.string().optional(),
  at: isoTimestamp,
});

/**
 * Complaints (issue 22; server-key events only). `open`/`oldestOpenAt`/`categories` describe the
 * open ones (what segments and the `open_complaint` send refusal read); `opened` and `resolved`
 * are the history counts. `items` holds the open complaints by id; `resolvedIds` the last resolved
 * ids, so a resolution that arrives before its opening still closes it.
 */
export const complaintsSchema = z.object({
  open: z.number().int().nonnegative(),
  oldestOpenAt: isoTimestamp.optional(),
  categories: z.array(z.string()),
  opened: z.number().int().nonnegative(),
  resolved: z.number().int().nonnegative(),
  lastResolvedAt: isoTimestamp.optional(),
  items: z.record(z.string(), openComplaintSchema),
  resolvedIds: z.array(z.string()),
});
export type Complaints = z.infer<typeof complaintsSchema>;

export const traitValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type TraitValue = z.infer<typeof traitValueSchema>;

export const profileSchema = z.object({
  id: z.string().min(1),
  /** Anonymous ids merged into this profile (identity merge is applied once per id). */
  anonymousIds: z.array(z.string()),
  /** Set on an anonymous profile once it has been merged into a known customer: it is frozen. */
  mergedInto: z.string().optional(),
  name: z.object({ first: z.string().optional(), last: z.string().optional() }),
  locale: z.string().optional(),
  timezone: z.string().optional(),
  traits: z.record(z.string(), traitValueSchema),
  channels: z.object({
    email: z.string().optional(),
    /** E.164 */
    phone: z.string().optional(),
    /**
     * When an agent reported `channels.phone` a wrong number (`Call Completed`, outcome
     * wrong_number): calls and SMS find the customer unreachable until identify sets another number.
     */
    phoneWrongAt: isoTimestamp.optional(),
    push: z.array(pushDeviceSchema),
  }),
  consent: z.object({
    email: consentSchema.optional(),
    sms: consentSchema.optional(),
    push: consentSchema.optional(),
    /** Calls from the call center (İYS: ARAMA). */
    call: consentSchema.optional(),
    /** WhatsApp (issue 23): asked for separately from SMS; a STOP sent on WhatsApp revokes it. */
    whatsapp: consentSchema.optional(),
  }),
  /** WhatsApp's 24-hour customer-service window: when the customer last wrote to the shop's number. */
  whatsapp: z.object({ lastInboundAt: isoTimestamp }).optional(),
  suppressed: z.object({ email: z.boolean().optional(), sms: z.boolean().optional() }),
  /** What unverified browser calls said about contact points and consent (DESIGN "Trust"); absent when nothing. */
  pending: pendingSchema.optional(),
  orders: ordersSchema,
  refunds: z.object({ count: z.number().int().nonnegative(), amount: z.number() }),
  /**
   * Verified orders and refunds by shop-calendar month (months since 1970-01): `[net spend,
   * orders]`, the last 13 months, sparse (shared/tiers/spend-months.ts). What tier rules read.
   */
  spendMonths: z.record(z.string(), z.tuple([z.number(), z.number().int()])).optional(),
  /** The loyalty tier held (settings.yaml `tiers`; shared/tiers/tier-state.ts); absent: none. */
  tier: z.string().optional(),
  /** Set while the customer is below the tier held: it is kept until then (the grace period). */
  tierGraceUntil: isoTimestamp.optional(),
  events: z.record(z.string(), eventSummarySchema),
  recent: z.object({ viewed: z.array(recentProductSchema), carted: z.array(recentProductSchema) }),
  cart: z.object({
    items: z.array(cartItemSchema),
    value: z.number(),
    updatedAt: isoTimestamp.optional(),
    /** Cart changes at or before this time were emptied by an order. */
    clearedAt: isoTimestamp.optional(),
    /**
     * Time of the latest cart snapshot (Cart Viewed / Checkout Started with `products`): changes at
     * or before it are superseded; items stamped exactly this time are the snapshot's own.
     */
    replacedAt: isoTimestamp.optional(),
    /** Latest removal per product id (only those newer than clearedAt/replacedAt): an older add arriving late stays removed. */
    removedAt: z.record(z.string(), isoTimestamp).optional(),
  }),
  rfm: rfmSchema.optional(),
  clv: clvSchema.optional(),
  /** Last answer per survey id (the most recent surveys only: PROFILE_LIMITS.surveys). */
  surveys: z.record(z.string(), surveyAnswerSchema).optional(),
  nps: npsSummarySchema.optional(),
  complaints: complaintsSchema.optional(),
  recommendations: z.array(z.string()),
  segments: z.record(z.string(), z.object({ enteredAt: isoTimestamp })),
  nextExpiryAt: isoTimestamp.optional(),
  /**
   * Segment entries/exits written with this profile but not yet handed to the journeys: set by
   * the write that moved the segments, cleared once the journey step ran, so a crash in between
   * is re-attempted by the customer's next message with the same run ids (decisions.md).
   */
  pendingSegmentChanges: z
    .array(z.object({ entered: z.array(z.string()), exited: z.array(z.string()), at: isoTimestamp }))
    .optional(),
  experiments: z.record(z.string(), z.object({ variant: z.string(), assignedAt: isoTimestamp })),
  holdout: z.boolean(),
  /**
   * When each identify-set field last changed (epoch seconds by path, milliseconds as the fraction,
   * e.g. `channels.email`, `traits.plan`, `rfm`): a late, older identify never overwrites a newer value.
   */
  fieldTimes: z.record(z.string(), z.number()),
  /** Ring of recently applied ids (hashed: see recent-ids.ts): redelivery changes nothing. */
  recentIds: z.array(z.string()),
  /**
   * The customer's archive key (shared/archive/pseudonym.ts): the archive's ids are pseudonyms
   * under it, and erasure deletes it with the profile (crypto-shredding). Set by the profile store
   * on the first write; never a segment attribute nor a template variable.
   */
  archiveKey: z.string().optional(),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
  /** Optimistic-concurrency counter: every write is conditional on the version it read. */
  version: z.number().int().nonnegative(),
});
export type Profile = z.infer<typeof profileSchema>;

export function emptyProfile(id: string, at: string): Profile {
  return {
    id,
    anonymousIds: [],
    name: {},
    traits: {},
    channels: { push: [] },
    consent: {},
    suppressed: {},
    orders: { count: 0, revenue: 0, days: 0, firstAmount: 0, repeatRevenue: 0, dayNumbers: [] },
    refunds: { count: 0, amount: 0 },
    events: {},
    recent: { viewed: [], carted: [] },
    cart: { items: [], value: 0 },
    recommendations: [],
    segments: {},
    experiments: {},
    holdout: false,
    fieldTimes: {},
    recentIds: [],
    createdAt: at,
    updatedAt: at,
    version: 0,
  };
}
