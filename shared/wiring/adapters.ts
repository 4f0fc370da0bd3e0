/**
 * What a runtime hands the composition roots (shared/wiring/compose.ts): the ports each function
 * is built from. shared/aws/ makes them from SDK clients in Lambda (shared/aws/aws-adapters.ts),
 * shared/local/ from the embedded engine and in-process queues; both make the table's ports with
 * the same DynamoDB adapters (shared/aws/dynamo-table-adapters.ts). Every field is required: a
 * runtime cannot forget one and still compile.
 */
import type {
  ArchiveSink,
  AudienceIndex,
  CallTaskSender,
  CapCounters,
  Clock,
  ConfirmLimits,
  ConsoleIndexCounts,
  CustomerErasureStore,
  CustomerScan,
  DueQueue,
  DueRunIndex,
  EmailSender,
  EngagementMarks,
  ErasedOrders,
  EventDeadLetters,
  EventQueue,
  ExpiryIndex,
  IdentityMap,
  IdentitySecretSource,
  JourneyStore,
  MessageStats,
  OrderLedger,
  OrderTombstones,
  PassSlots,
  PepperSource,
  ProfileScan,
  ScanSlice,
  ProfileStore,
  RetentionPolicy,
  PushSender,
  RefundLedger,
  SendDecisionLog,
  SendLedger,
  SurveyAnswerLedger,
  SendRateLimiter,
  SmsSender,
  SuppressionList,
  UnsubscribeKeyring,
  WebhookSender,
  WhatsAppSender,
  WriteKeyVerifier,
} from '../ports.js';

/** Every port stored in the single table. */
export interface TableAdapters {
  /**
   * The same ports with a writer's retention policy (shared/privacy/retention.ts): profile, run
   * and ledger writes then stamp their TTL. Without one, writes leave TTLs alone; reads always
   * ignore expired items.
   */
  withRetention(policy: RetentionPolicy): TableAdapters;
  profiles: ProfileStore;
  orders: OrderLedger;
  refunds: RefundLedger;
  /** Survey answers with their comments (`SV#`), erased with the customer's partition. */
  surveyAnswers: SurveyAnswerLedger;
  identity: IdentityMap;
  /** Erasure (admin-forget) and the tombstones process-events and import read. */
  erasure: CustomerErasureStore & OrderTombstones;
  /** Orders erased with their customer, by peppered and legacy hashes (process-events, import). */
  erasedOrders: ErasedOrders;
  /** The key of the table's kept hashes: tombstones, suppression entries (DESIGN "Trust"). */
  pepper: PepperSource;
  journeyRuns: JourneyStore & DueRunIndex;
  expiry: ExpiryIndex & { readonly shards: number };
  sendLedger: SendLedger;
  /** Sends that sent nothing, per customer (`D#`, with a TTL): the console's "why was this not sent". */
  sendDecisions: SendDecisionLog;
  suppression: SuppressionList;
  caps: CapCounters;
  /** Double opt-in limits: per mailbox, per key and global (DESIGN "Trust"). */
  confirmLimits: ConfirmLimits;
  due: DueQueue;
  stats: MessageStats;
  marks: EngagementMarks;
  /** Scheduled passes' claimed slots (shared/events/scheduled-slot.ts). */
  passSlots: PassSlots;
  /** Scheduled journeys' audience memberships (issue 20): written with profiles, read by journey-schedule. */
  audiences: AudienceIndex;
  /** Profiles by parallel-scan slice (journey-schedule). */
  scanProfiles: ProfileScan;
  /** Profiles and orders by slice (the nightly refresh). */
  customers: CustomerScan;
  /** The console snapshot's counts of one refresh slice, from indexes only (decision 220): the given audiences' sizes, runs waiting per step. */
  consoleCounts: (audiences: readonly string[], slice: ScanSlice) => ReturnType<ConsoleIndexCounts>;
}

/** The ports every function needs: the table, the events queue and the time. */
export interface CoreAdapters {
  table: TableAdapters;
  events: EventQueue;
  /** The events queue's DLQ as process-events sets a request's failing event aside there (decision 286). */
  deadLetters?: EventDeadLetters;
  clock: Clock;
  /**
   * The event archive (issue 23): Firehose in AWS, JSON lines in the data folder locally. Absent
   * where nothing is archived (a stack deployed without it, tests that build their own adapters).
   */
  archive?: ArchiveSink;
}

/** What the send handler adds: the providers, the journey rate limiter and the unsubscribe links. */
export interface SendAdapters extends CoreAdapters {
  email: EmailSender;
  sms: SmsSender;
  push: PushSender;
  webhook: WebhookSender;
  /** Call tasks: Amazon Connect in AWS, the call list locally. */
  calls: CallTaskSender;
  whatsapp: WhatsAppSender;
  rate: SendRateLimiter;
  unsubscribe: { keyring: UnsubscribeKeyring; baseUrl: string; mailto?: string };
}

/** ingest reads one table port, the identity map: its Lambda builds only that adapter (decision 261). */
export interface IngestAdapters extends Omit<CoreAdapters, 'table'> {
  table: Pick<TableAdapters, 'identity'>;
  writeKeys: WriteKeyVerifier;
  /** The secret browser calls prove their userId with (a source without one verifies none). */
  identitySecret: IdentitySecretSource;
}
