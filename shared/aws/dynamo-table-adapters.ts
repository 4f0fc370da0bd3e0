/**
 * Every port the single table serves, on one document client: Lambda passes its regional client,
 * the local runtime the embedded engine's (shared/local/runtime.ts). The adapters hold only the
 * client and the table name, so building them all costs nothing per cold start.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../ports.js';
import { PepperedErasedOrders } from '../privacy/erased-order.js';
import type { PepperSource } from '../privacy/pepper.js';
import type { TableAdapters } from '../wiring/adapters.js';
import { DynamoAudienceIndex } from './dynamo-audience-index.js';
import { DynamoCustomerScan } from './dynamo-customers-index.js';
import { DynamoCapCounters } from './dynamo-cap-counters.js';
import { readIndexedConsoleCounts } from './dynamo-console-counts.js';
import { DynamoConfirmLimits } from './dynamo-confirm-limits.js';
import { DynamoCustomerErasure } from './dynamo-customer-erasure.js';
import { DynamoDueSends } from './dynamo-due-sends.js';
import { DynamoEngagementMarks } from './dynamo-engagement-marks.js';
import { DynamoExpiryIndex } from './dynamo-expiry-index.js';
import { DynamoIdentityMap } from './dynamo-identity-map.js';
import { DynamoJourneyStore } from './dynamo-journey-store.js';
import { DynamoMessageStats } from './dynamo-message-stats.js';
import { DynamoOrderLedger } from './dynamo-order-ledger.js';
import { DynamoPassSlots } from './dynamo-pass-slots.js';
import { scanProfiles } from './dynamo-profile-scan.js';
import { DynamoProfileStore } from './dynamo-profile-store.js';
import { DynamoRefundLedger } from './dynamo-refund-ledger.js';
import { DynamoSurveyAnswers } from './dynamo-survey-answers.js';
import { DynamoSendDecisions } from './dynamo-send-decisions.js';
import { DynamoSendLedger } from './dynamo-send-ledger.js';
import { DynamoSuppressionList } from './dynamo-suppression.js';
import type { TableRetention } from './table-retention.js';

export function dynamoTableAdapters(
  doc: DynamoDBDocumentClient,
  tableName: string,
  pepper: PepperSource,
  clock: Clock = systemClock,
  retention: TableRetention = { clock },
): TableAdapters {
  const erasure = new DynamoCustomerErasure(doc, tableName);
  return {
    withRetention: (policy) => dynamoTableAdapters(doc, tableName, pepper, clock, { clock, policy }),
    profiles: new DynamoProfileStore(doc, tableName, retention),
    orders: new DynamoOrderLedger(doc, tableName),
    refunds: new DynamoRefundLedger(doc, tableName),
    surveyAnswers: new DynamoSurveyAnswers(doc, tableName),
    identity: new DynamoIdentityMap(doc, tableName),
    erasure,
    erasedOrders: new PepperedErasedOrders(erasure, pepper),
    pepper,
    journeyRuns: new DynamoJourneyStore(doc, tableName, retention),
    expiry: new DynamoExpiryIndex(doc, tableName),
    sendLedger: new DynamoSendLedger(doc, tableName, retention),
    sendDecisions: new DynamoSendDecisions(doc, tableName, retention),
    suppression: new DynamoSuppressionList(doc, tableName, pepper),
    caps: new DynamoCapCounters(doc, tableName),
    confirmLimits: new DynamoConfirmLimits(doc, tableName),
    due: new DynamoDueSends(doc, tableName),
    stats: new DynamoMessageStats(doc, tableName),
    marks: new DynamoEngagementMarks(doc, tableName),
    passSlots: new DynamoPassSlots(doc, tableName),
    audiences: new DynamoAudienceIndex(doc, tableName),
    scanProfiles: (slice) => scanProfiles(doc, tableName, slice, clock.now()),
    consoleCounts: (audiences, slice) => readIndexedConsoleCounts(doc, tableName, audiences, slice, clock.now()),
    customers: new DynamoCustomerScan(doc, tableName, () => clock.now()),
  };
}
