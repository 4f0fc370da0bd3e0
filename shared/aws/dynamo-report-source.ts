/**
 * What `sadakat report` needs from the single table, read with one Scan (local data folders;
 * on a deployed table `sadakat report --table`'s parallel segments, a person's one-off run; never a hot path): profiles' experiment assignments and
 * consent, journey runs (`J#`), orders (`O#`), refunds (`R#`), the send ledger (`M#`, with the
 * engagement times ses-feedback marks on it) and the message-stats counters (`STATS#MSG#`).
 * Only the attributes the report uses are projected.
 */
import { PROFILE_DOCUMENT_ATTRIBUTE, readStoredProfile, unpackProfileItem } from './profile-item-codec.js';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LedgerStatus } from '../channels/ports.js';
import type { Channel } from '../channels/send-request.js';
import { DOCTOR_JOURNEY_ID, isDoctorCustomer } from '../identity/doctor-customer.js';
import { HANDED_OVER_AT_LOGIN } from '../journeys/run.js';
import { FUNNEL_ENGAGEMENTS } from '../measurement/customer-funnel.js';
import type {
  ReportData,
  ReportMessage,
  ReportOrder,
  ReportProfile,
  ReportRefund,
  ReportRun,
  ReportSurveyAnswer,
} from '../measurement/report.js';
import { engagementAttribute } from './dynamo-engagement-marks.js';
import { REFUND_SK_PREFIX } from './dynamo-refund-ledger.js';
import { SURVEY_ANSWER_SK_PREFIX } from './dynamo-survey-answers.js';
import { NOT_EXPIRED_FILTER } from './table-retention.js';

const STATS_PREFIX = 'STATS#MSG#';

interface ReportItems {
  profiles: ReportProfile[];
  runs: ReportRun[];
  orders: ReportOrder[];
  refunds: ReportRefund[];
  messages: ReportMessage[];
  surveyAnswers: ReportSurveyAnswer[];
  messageStats: { journeyId: string; variant: string | undefined; metric: string; count: number }[];
}

/**
 * Items whose TTL has passed at `now` (shared/privacy/retention.ts) are left out, as every reader does.
 * `segments` > 1 reads the table in that many parallel Scan segments (`sadakat report --table`, decision
 * 224); the segments' items are joined in segment order, so the same table gives the same report.
 */
export async function readReportData(
  doc: DynamoDBDocumentClient,
  tableName: string,
  now: Date,
  segments = 1,
): Promise<ReportData> {
  if (!(Number.isInteger(segments) && segments >= 1 && segments <= 1_000_000))
    throw new RangeError(`readReportData: segments must be a whole number from 1, got ${segments}`);
  const parts = await Promise.all(
    Array.from({ length: segments }, (_, segment) =>
      scanReportItems(doc, tableName, now, segments > 1 ? { segment, totalSegments: segments } : undefined),
    ),
  );
  const profiles = parts.flatMap((part) => part.profiles);
  const runs = parts.flatMap((part) => part.runs);
  const orders = parts.flatMap((part) => part.orders);
  const refunds = parts.flatMap((part) => part.refunds);
  const messages = parts.flatMap((part) => part.messages);
  const surveyAnswers = parts.flatMap((part) => part.surveyAnswers);
  const messageStats = parts.flatMap((part) => part.messageStats);
  // Scan order depends on the engine's hashing; sorted, the same data gives the same report.
  runs.sort((a, b) => a.enteredAt.localeCompare(b.enteredAt) || a.customerId.localeCompare(b.customerId));
  profiles.sort((a, b) => a.id.localeCompare(b.id));
  messages.sort((a, b) => a.claimedAt.localeCompare(b.claimedAt) || a.customerId.localeCompare(b.customerId));
  surveyAnswers.sort((a, b) => a.at.localeCompare(b.at) || a.customerId.localeCompare(b.customerId));
  return { profiles, runs, orders, refunds, messages, messageStats, surveyAnswers };
}

/** One Scan segment's items (the whole table without `slice`). */
async function scanReportItems(
  doc: DynamoDBDocumentClient,
  tableName: string,
  now: Date,
  slice: { segment: number; totalSegments: number } | undefined,
): Promise<ReportItems> {
  const profiles: ReportProfile[] = [];
  const runs: ReportRun[] = [];
  const orders: ReportOrder[] = [];
  const refunds: ReportRefund[] = [];
  const messages: ReportMessage[] = [];
  const surveyAnswers: ReportSurveyAnswer[] = [];
  const messageStats: { journeyId: string; variant: string | undefined; metric: string; count: number }[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: tableName,
        ProjectionExpression: `PK, SK, mergedInto, experiments, consent, #document, journeyId, customerId, holdout, enteredAt, convertedAt, convertedAfterSplitAt, exitReason, #at, amount, #count, orderId, #status, #channel, #variant, claimedAt, #surveyId, #score, #tier, ${ENGAGEMENT_ATTRIBUTES.join(', ')}`,
        FilterExpression: NOT_EXPIRED_FILTER,
        ExpressionAttributeNames: {
          '#ttl': 'ttl',
          '#at': 'at',
          '#count': 'count',
          '#status': 'status',
          '#channel': 'channel',
          '#variant': 'variant',
          '#surveyId': 'surveyId',
          '#score': 'score',
          '#tier': 'tier',
          '#document': PROFILE_DOCUMENT_ATTRIBUTE,
        },
        ExpressionAttributeValues: { ':nowSeconds': Math.floor(now.getTime() / 1000) },
        ExclusiveStartKey: startKey,
        ...(slice ? { Segment: slice.segment, TotalSegments: slice.totalSegments } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const pk = String(item.PK);
      const sk = String(item.SK);
      if (pk.startsWith(STATS_PREFIX)) {
        // PK = STATS#MSG#<journeyId>#<variant>[#<shard>] (journey ids cannot hold '#'), SK = <step>#<channel>#<metric>#<shard>.
        const [journeyId = '', variant = '-'] = pk.slice(STATS_PREFIX.length).split('#');
        if (journeyId === DOCTOR_JOURNEY_ID) continue;
        const metric = sk.split('#')[2] ?? '';
        messageStats.push({
          journeyId,
          variant: variant === '-' ? undefined : variant,
          metric,
          count: Number(item.count ?? 0),
        });
      } else if (!pk.startsWith('C#') || isDoctorCustomer(pk.slice(2))) {
      } else if (sk === 'PROFILE') {
        if (item.mergedInto) continue;
        const { experiments, consent } = unpackProfileItem(item);
        const stored = readStoredProfile({ experiments: experiments ?? {}, consent: consent ?? {} });
        profiles.push({
          id: pk.slice(2),
          experiments: stored.experiments as ReportProfile['experiments'],
          consent: stored.consent as ReportProfile['consent'],
        });
      } else if (sk.startsWith('J#')) {
        // The visitor's run moved to the customer at login: the customer's copy is the entry.
        if (item.exitReason === HANDED_OVER_AT_LOGIN) continue;
        runs.push({
          journeyId: String(item.journeyId),
          customerId: String(item.customerId),
          holdout: item.holdout === true,
          enteredAt: String(item.enteredAt),
          ...(typeof item.tier === 'string' ? { tier: item.tier } : {}),
          ...(typeof item.convertedAt === 'string' ? { convertedAt: item.convertedAt } : {}),
          ...(typeof item.convertedAfterSplitAt === 'string'
            ? { convertedAfterSplitAt: item.convertedAfterSplitAt }
            : {}),
        });
      } else if (sk.startsWith('O#') && typeof item.at === 'string') {
        orders.push({
          customerId: String(item.customerId),
          orderId: typeof item.orderId === 'string' ? item.orderId : sk.slice(2),
          at: item.at,
          amount: Number(item.amount ?? 0),
        });
      } else if (sk.startsWith(REFUND_SK_PREFIX) && typeof item.orderId === 'string' && typeof item.at === 'string') {
        refunds.push({
          orderId: item.orderId,
          at: item.at,
          ...(item.amount === undefined ? {} : { amount: Number(item.amount) }),
        });
      } else if (sk.startsWith('M#') && typeof item.journeyId === 'string' && typeof item.claimedAt === 'string') {
        messages.push(messageOf(pk.slice(2), item));
      } else if (sk.startsWith(SURVEY_ANSWER_SK_PREFIX) && typeof item.at === 'string') {
        // The comment is never projected: the report reads scores only.
        surveyAnswers.push({
          customerId: pk.slice(2),
          surveyId: String(item.surveyId),
          score: Number(item.score),
          at: item.at,
        });
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { profiles, runs, orders, refunds, messages, messageStats, surveyAnswers };
}

const ENGAGEMENT_ATTRIBUTES = FUNNEL_ENGAGEMENTS.map(engagementAttribute);

function messageOf(customerId: string, item: Record<string, unknown>): ReportMessage {
  const engaged: ReportMessage['engaged'] = {};
  for (const engagement of FUNNEL_ENGAGEMENTS) {
    const at = item[engagementAttribute(engagement)];
    if (typeof at === 'string') engaged[engagement] = at;
  }
  return {
    customerId,
    journeyId: String(item.journeyId),
    ...(typeof item.variant === 'string' ? { variant: item.variant } : {}),
    channel: String(item.channel) as Channel,
    status: String(item.status) as LedgerStatus,
    claimedAt: String(item.claimedAt),
    engaged,
  };
}
