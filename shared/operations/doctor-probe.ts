/**
 * What `sadakat doctor` reads and does in a deployed account, as plain data: the port its checks
 * (doctor-checks.ts) run against. The AWS adapter is shared/aws/aws-doctor-probe.ts; tests drive
 * it with aws-sdk-client-mock, so every check is exercised through the real SDK calls.
 */
import type { SendRequest } from '../channels/send-request.js';

export interface StackInfo {
  status: string;
  outputs: Record<string, string>;
  /** Named exports, by the part after `<stack>:` (`TableArn` …). */
  exports: Record<string, string>;
}

export interface AccountConcurrency {
  /** The account's concurrent-execution quota in this region. */
  limit: number;
  /** What functions without reserved concurrency share. */
  unreserved: number;
}

export interface HttpAnswer {
  status: number;
  body: string;
}

export interface SesAccount {
  productionAccess: boolean;
  sendingEnabled: boolean;
  max24HourSend: number;
  maxSendRate: number;
  sentLast24Hours: number;
}

/** A send ledger item as the doctor reads it (DESIGN "Send"): the status and engagement marks. */
export interface LedgerView {
  status: string;
  detail?: string;
  deliveredAt?: string;
  bouncedAt?: string;
  complainedAt?: string;
}

export interface AlarmTopicView {
  confirmedSubscriptions: number;
  pendingSubscriptions: number;
  /** The topic policy lets `cloudwatch.amazonaws.com` publish (without it alarms reach nobody). */
  allowsCloudWatch: boolean;
  /** Alarms whose actions notify this topic. */
  alarmNames: string[];
}

export interface SmsAccount {
  inSandbox: boolean;
  /** USD; AWS's default for a new account is 1. */
  monthlySpendLimit?: number;
  /** SNS delivery-status logging (DeliveryStatusIAMRole) is configured. */
  deliveryStatusLogging: boolean;
  senderIds: { senderId: string; isoCountryCode: string; registered: boolean }[];
}

export interface PlatformApplicationView {
  arn: string;
  platform: string;
  enabled: boolean;
  /** `token` or `certificate` (APNs), `token` or `key` (FCM), lower case. */
  authenticationMethod?: string;
}

export interface DoctorProbe {
  stack(stackName: string): Promise<StackInfo | undefined>;
  accountConcurrency(): Promise<AccountConcurrency>;
  /** The first `server`-scope key in the write-keys secret (never printed). */
  serverWriteKey(secretArn: string): Promise<string | undefined>;
  postIngest(url: string, body: unknown, writeKey?: string): Promise<HttpAnswer>;
  profileExists(tableName: string, customerId: string): Promise<boolean>;
  sesAccount(): Promise<SesAccount>;
  enqueueSend(queueUrl: string, request: SendRequest): Promise<void>;
  ledger(tableName: string, customerId: string, messageId: string): Promise<LedgerView | undefined>;
  /** One step's message counters (`STATS#MSG#<journey>#<variant>`) summed by metric: send reasons and engagement. */
  messageMetrics(
    tableName: string,
    journeyId: string,
    variant: string,
    stepId: string,
  ): Promise<Record<string, number>>;
  alarmTopic(topicArn: string): Promise<AlarmTopicView>;
  setAlarmState(alarmName: string, state: 'ALARM' | 'OK', reason: string): Promise<void>;
  smsAccount(): Promise<SmsAccount>;
  platformApplication(arn: string): Promise<PlatformApplicationView>;
  /** Erases a customer through the stack's admin-forget function; `found` as it answered. */
  forget(functionArn: string, customerId: string): Promise<{ found: boolean }>;
  sleep(ms: number): Promise<void>;
}
