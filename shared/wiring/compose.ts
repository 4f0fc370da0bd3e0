/**
 * One composition root per function, for both runtimes: given a runtime's adapters
 * (shared/wiring/adapters.ts) and the loaded campaign, each returns the handler's complete deps.
 * Lambda entry points call these through shared/aws/*-deps.ts; `sadakat demo`, `serve`,
 * `import`, `refresh` and `forget` call the same functions with the embedded runtime's adapters,
 * so what runs locally is wired as AWS wires it. A capability left out on purpose is an explicit
 * `null` (journeys in history import and `serve --no-journeys`), never a forgotten field.
 */
import type { ConfirmDeps } from '../channels/confirm/confirm-page.js';
import type { CustomerScan, RefreshArtifacts } from '../analytics/refresh/ports.js';
import type { ConsoleIndexCounts } from '../analytics/refresh/console-counts.js';
import type { SendDeps } from '../channels/decide-send.js';
import type { ReconcileDeps } from '../channels/reconcile-claims.js';
import { journeySendPolicies } from '../channels/journey-policy.js';
import { PacedSendQueue } from '../channels/paced-send-queue.js';
import type { SendRateLimiter } from '../channels/ports.js';
import type { TemplateSet } from '../channels/render.js';
import type { SendQueue } from '../channels/send-request.js';
import type { FeedbackDeps } from '../channels/ses-feedback.js';
import type { UnsubscribeDeps } from '../channels/unsubscribe.js';
import type { Campaign } from '../config/campaign.js';
import type { Journey } from '../journeys/ast.js';
import type { JourneyTickDeps } from '../journeys/journey-tick.js';
import { scheduledAudiences } from '../journeys/audiences.js';
import { AudienceMembershipStore } from '../profiles/audience-membership-store.js';
import type { AudienceIndex, Clock, EventDeadLetters, EventQueue, ProfileScan } from '../ports.js';
import type { ForgetDeps } from '../privacy/forget-customer.js';
import { retentionPolicy } from '../privacy/retention.js';
import type { ProcessDeps } from '../profiles/process-customer-message.js';
import type { ExpiryPassDeps } from '../segments/expiry-pass.js';
import type { CoreAdapters, SendAdapters, TableAdapters } from './adapters.js';
import type { RuntimeCampaign } from './runtime-campaign.js';
import { identityDirectory } from '../channels/whatsapp/directory.js';

/** Journeys as process-events runs them: their definitions and where their sends go. */
export interface LiveJourneys {
  definitions: readonly Journey[];
  sends: SendQueue;
  /** The cost bench's baseline (JourneyDeps.segmentMoves, decision 237); absent in every deployment. */
  segmentMoves?: 'any';
  /** journey-tick bench's baseline (JourneyDeps.runReads, decision 255); absent in every deployment. */
  runReads?: 'list';
}

/**
 * The campaign as profile writers need it: with its journeys (a RuntimeCampaign), every profile
 * write keeps the memberships of the scheduled journeys' audiences, whether journeys run live or
 * not (history import, the local refresh's scores); without them it keeps none, and takes the
 * covered state from every audience (AudienceMembershipStore).
 */
export type ProfileWriterCampaign = Campaign & { readonly journeys?: readonly Journey[] };

/**
 * What process-events needs of the events queue: only its dead-letter side (decision 286), given
 * as `deadLetters` (AWS: the DLQ's URL) or found on the runtime's own queue (the local queue
 * dead-letters itself). It never enqueues events (the stack gives it no EVENTS_QUEUE_URL).
 */
export type ProcessAdapters = Omit<CoreAdapters, 'events'> & { events?: EventQueue };

/** process-events writes customer state and enqueues sends. */
export function composeProcessDeps(
  adapters: ProcessAdapters,
  campaign: ProfileWriterCampaign,
  journeys: LiveJourneys | null,
): ProcessDeps & { deadLetters?: EventDeadLetters } {
  const { clock } = adapters;
  const deadLetters = adapters.deadLetters ?? (hasDeadLetters(adapters.events) ? adapters.events : undefined);
  // process-events writes profiles and runs: their TTLs follow the campaign (shared/privacy/retention.ts).
  const table = adapters.table.withRetention(retentionPolicy(campaign.settings, journeys?.definitions ?? []));
  // Profile writes keep the scheduled journeys' audience memberships in step (issue 20).
  const audiences = scheduledAudiences(campaign.journeys ?? journeys?.definitions ?? []);
  return {
    profiles: new AudienceMembershipStore(table.profiles, table.audiences, audiences),
    orders: table.orders,
    refunds: table.refunds,
    surveyAnswers: table.surveyAnswers,
    identity: table.identity,
    tombstones: table.erasedOrders,
    pepper: table.pepper,
    settings: {
      trackedProperties: campaign.settings.trackedProperties,
      timezone: campaign.settings.defaultTimezone,
      tiers: campaign.settings.tiers,
    },
    segments: campaign.segments,
    clock,
    ...(adapters.archive ? { archive: adapters.archive } : {}),
    ...(deadLetters ? { deadLetters } : {}),
    journeys: journeys && {
      definitions: journeys.definitions,
      store: table.journeyRuns,
      sends: journeys.sends,
      holdoutPercent: campaign.settings.holdoutPercent,
      defaultTimezone: campaign.settings.defaultTimezone,
      spreadMinutes: campaign.settings.spreadMinutes,
      ...(journeys.segmentMoves ? { segmentMoves: journeys.segmentMoves } : {}),
      ...(journeys.runReads ? { runReads: journeys.runReads } : {}),
    },
  };
}

function hasDeadLetters(queue: EventQueue | undefined): queue is EventQueue & EventDeadLetters {
  return queue !== undefined && 'deadLetterAlone' in queue && 'maxReceiveCount' in queue;
}

/**
 * The sends queue as journeys and release-deferred fill it: each send takes its rate slots when
 * it is enqueued (shared/channels/paced-send-queue.ts, decision 175), from the same cursors the
 * send function reads.
 */
export function composePacedSends(
  inner: SendQueue,
  adapters: { table: Pick<TableAdapters, 'due'>; rate: SendRateLimiter; clock: Clock },
  campaign: Pick<RuntimeCampaign, 'settings' | 'journeys'>,
): SendQueue {
  return new PacedSendQueue(inner, {
    rate: adapters.rate,
    due: adapters.table.due,
    settings: campaign.settings,
    journeyPolicy: journeySendPolicies(campaign.journeys),
    clock: adapters.clock,
  });
}

export function composeSendDeps(
  adapters: SendAdapters,
  campaign: Pick<RuntimeCampaign, 'settings' | 'journeys'>,
  templates: TemplateSet,
): SendDeps {
  // send claims ledger entries: their TTL outlives every window that reads them (shared/privacy/retention.ts).
  const table = adapters.table.withRetention(retentionPolicy(campaign.settings, campaign.journeys));
  return {
    profiles: table.profiles,
    ledger: table.sendLedger,
    decisions: table.sendDecisions,
    suppression: table.suppression,
    caps: table.caps,
    rate: adapters.rate,
    due: table.due,
    stats: table.stats,
    email: adapters.email,
    sms: adapters.sms,
    push: adapters.push,
    webhook: adapters.webhook,
    calls: adapters.calls,
    whatsapp: adapters.whatsapp,
    whatsappDirectory: identityDirectory(table.identity, table.pepper),
    events: adapters.events,
    templates,
    settings: campaign.settings,
    journeyPolicy: journeySendPolicies(campaign.journeys),
    unsubscribe: adapters.unsubscribe,
    confirm: {
      limits: table.confirmLimits,
      pepper: table.pepper,
      budgets: {
        perKeyPerHour: campaign.settings.trust.confirmationsPerKeyPerHour,
        perHour: campaign.settings.trust.confirmationsPerHour,
      },
    },
    clock: adapters.clock,
  };
}

export interface SesFeedbackDeps extends FeedbackDeps {
  clock: Clock;
}

export function composeFeedbackDeps(adapters: CoreAdapters): SesFeedbackDeps {
  const { profiles, suppression, stats, marks } = adapters.table;
  return { profiles, suppression, stats, marks, events: adapters.events, clock: adapters.clock };
}

export function composeUnsubscribeDeps(
  adapters: CoreAdapters & { unsubscribe: Pick<SendAdapters['unsubscribe'], 'keyring'> },
  senderName: string | undefined,
): UnsubscribeDeps {
  return {
    profiles: adapters.table.profiles,
    events: adapters.events,
    suppression: adapters.table.suppression,
    keyring: adapters.unsubscribe.keyring,
    clock: adapters.clock,
    ...(senderName ? { senderName } : {}),
  };
}

export function composeConfirmDeps(
  adapters: Omit<CoreAdapters, 'table'> & {
    table: Pick<TableAdapters, 'profiles' | 'pepper'>;
    unsubscribe: Pick<SendAdapters['unsubscribe'], 'keyring'>;
  },
  senderName: string | undefined,
): ConfirmDeps {
  return {
    profiles: adapters.table.profiles,
    events: adapters.events,
    keyring: adapters.unsubscribe.keyring,
    pepper: adapters.table.pepper,
    clock: adapters.clock,
    ...(senderName ? { senderName } : {}),
  };
}

export function composeForgetDeps(adapters: Omit<CoreAdapters, 'events'>): ForgetDeps {
  const { profiles, identity, erasure, suppression, pepper } = adapters.table;
  return { profiles, identity, erasure, suppression, pepper, clock: adapters.clock };
}

export function composeReconcileDeps(adapters: Omit<CoreAdapters, 'events'>): ReconcileDeps {
  return { ledger: adapters.table.sendLedger, stats: adapters.table.stats, clock: adapters.clock };
}

export function composeJourneyTickDeps(adapters: CoreAdapters): JourneyTickDeps {
  return { index: adapters.table.journeyRuns, queue: adapters.events, clock: adapters.clock };
}

export interface JourneyScheduleDeps {
  scanProfiles: ProfileScan;
  /** The audience index (issue 20); without it (or before it is ready) the pass scans. */
  audiences?: AudienceIndex;
  journeys: readonly Journey[];
  queue: EventQueue;
  clock: Clock;
  defaultTimezone: string;
}

export function composeJourneyScheduleDeps(
  adapters: Omit<CoreAdapters, 'table'> & { table: Pick<TableAdapters, 'scanProfiles' | 'audiences'> },
  campaign: Pick<RuntimeCampaign, 'settings' | 'journeys'>,
): JourneyScheduleDeps {
  return {
    scanProfiles: adapters.table.scanProfiles,
    audiences: adapters.table.audiences,
    journeys: campaign.journeys,
    queue: adapters.events,
    clock: adapters.clock,
    defaultTimezone: campaign.settings.defaultTimezone,
  };
}

export interface ExpiryDeps extends ExpiryPassDeps {
  /** Shards of the table's `expiry` index. */
  shards: number;
}

export function composeExpiryDeps(adapters: CoreAdapters): ExpiryDeps {
  const { expiry } = adapters.table;
  return { index: expiry, queue: adapters.events, clock: adapters.clock, shards: expiry.shards };
}

export interface RefreshDeps {
  scan: CustomerScan;
  /** The console snapshot's index counts per slice (summarize writes them, fit merges them: decisions 207, 220). */
  counts?: ConsoleIndexCounts;
  artifacts: RefreshArtifacts;
  queue: EventQueue;
  clock: Clock;
  itemCount(): Promise<number>;
  /** The shop's `defaultTimezone`: the plan's as-of date and every order day (docs/decisions.md 84). */
  timezone: string;
}

/** The nightly refresh's phases: artifacts in S3 (Lambda) or the data folder (local). */
/** Only the table ports the refresh reads: Lambda's refresh functions build no other adapter (bundle size, decision 241). */
export function composeRefreshDeps(
  adapters: Omit<CoreAdapters, 'table'> & { table: Pick<TableAdapters, 'customers' | 'consoleCounts'> },
  artifacts: RefreshArtifacts,
  itemCount: () => Promise<number>,
  timezone: string,
  /** The scheduled journeys' audience segments, whose sizes the console snapshot counts from the audience index (decision 220). */
  audiences: readonly string[],
): RefreshDeps {
  return {
    scan: adapters.table.customers,
    counts: (slice) => adapters.table.consoleCounts(audiences, slice),
    artifacts,
    queue: adapters.events,
    clock: adapters.clock,
    itemCount,
    timezone,
  };
}
