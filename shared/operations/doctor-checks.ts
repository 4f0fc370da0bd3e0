/**
 * `sadakat doctor`: after a deploy, what can only be checked live, each check a row with its fix
 * (docs/deploy.md "After the deploy"). The email checks go the way a journey's email goes — an
 * identify through ingest, a send request on `sends.fifo`, the send function, SES's mailbox
 * simulator, SES events back through ses-feedback onto the ledger — so a pass means the whole
 * path works, not that SES answers. The test customers are erased at the end, whatever happened.
 */
import { SEND_REASONS } from '../channels/send-outcome.js';
import { sendMessageId, type SendRequest } from '../channels/send-request.js';
import { DOCTOR_JOURNEY_ID, doctorCustomerId } from '../identity/doctor-customer.js';
import type { DoctorProbe, LedgerView, SesAccount, StackInfo } from './doctor-probe.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  check: string;
  status: CheckStatus;
  detail: string;
  /** What to do about a warn or fail. */
  fix?: string;
}

/** Stack outputs the doctor reads (infra/pipeline-stack.ts): an older stack lacks some and is told to redeploy. */
export const DOCTOR_OUTPUTS = [
  'IngestUrl',
  'AlarmTopicArn',
  'SendsQueueUrl',
  'AdminForgetFunctionArn',
  'DataStackName',
] as const;
/** Exports of the data stack (`<data stack>:<name>`) the doctor reads. */
export const DOCTOR_DATA_EXPORTS = ['TableArn', 'WriteKeysArn'] as const;
type Outputs = Record<(typeof DOCTOR_OUTPUTS)[number], string> & { TableName: string; WriteKeysArn: string };

/** Below this many unreserved concurrent executions the FIFO consumers, ingest and the scheduled passes starve each other. */
export const MIN_UNRESERVED_CONCURRENCY = 100;
/** AWS's default quota; less is a new account's reduced one. */
export const DEFAULT_CONCURRENCY = 1000;

/** SES mailbox simulator addresses (they never reach a person and never count against reputation). */
export const SIMULATOR = {
  success: 'success@simulator.amazonses.com',
  bounce: 'bounce@simulator.amazonses.com',
  complaint: 'complaint@simulator.amazonses.com',
} as const;
type EmailCase = keyof typeof SIMULATOR;
const MARK: Record<EmailCase, keyof LedgerView> = {
  success: 'deliveredAt',
  bounce: 'bouncedAt',
  complaint: 'complainedAt',
};

export const DOCTOR_TEMPLATE = 'doctor-check';
/** Send reasons that mean "decided not to send" (the ledger keeps no item for them, decision 26). */
const REFUSALS = SEND_REASONS.filter((reason) => reason !== 'sent' && reason !== 'failed' && reason !== 'unknown');

export interface DoctorOptions {
  stackName: string;
  /** Unique per run (it names the test customers). */
  runId: string;
  now: () => Date;
  /** How long to wait for the test event's profile (default 60 s) and for each email's outcome (default 180 s). */
  profileTimeoutMs?: number;
  emailTimeoutMs?: number;
  pollIntervalMs?: number;
  /**
   * The campaign's `sending.email.messagesPerSecond` (settings.yaml), to hold against SES's maximum
   * send rate; `campaign: undefined` when no campaign folder was read (the check is skipped).
   */
  campaign?: { emailMessagesPerSecond: number | undefined };
}

export async function runDoctor(probe: DoctorProbe, options: DoctorOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const stack = await probe.stack(options.stackName);
  const dataStackName = stack?.outputs.DataStackName;
  const data = dataStackName === undefined ? undefined : await probe.stack(dataStackName);
  const outputs = checkStack(options.stackName, stack, data, results);

  results.push(await checkConcurrency(probe));
  const ses = await probe.sesAccount();
  results.push(checkSesAccount(ses), checkSesSendRate(ses, options.campaign));
  results.push(...(await checkSms(probe)));
  results.push(...(await checkPush(probe, stack?.outputs.PushPlatformApplicationArns)));
  if (outputs === undefined) {
    for (const check of [
      'alarm-topic',
      'ingest-auth',
      'ingest-profile',
      'email-success',
      'email-bounce',
      'email-complaint',
    ])
      results.push({ check, status: 'skip', detail: 'needs the stack outputs (see the stack row)' });
    return results;
  }
  results.push(...(await checkAlarmTopic(probe, outputs.AlarmTopicArn)));
  const customers = Object.fromEntries(
    (Object.keys(SIMULATOR) as EmailCase[]).map((testCase) => [testCase, doctorCustomerId(options.runId, testCase)]),
  ) as Record<EmailCase, string>;
  try {
    const ingest = await checkIngest(probe, outputs, customers, options);
    results.push(...ingest.results);
    if (!ingest.accepted) {
      for (const testCase of Object.keys(SIMULATOR))
        results.push({ check: `email-${testCase}`, status: 'skip', detail: 'needs the test customers from ingest' });
      return results;
    }
    results.push(
      ...(await Promise.all(
        (Object.keys(SIMULATOR) as EmailCase[]).map((testCase) =>
          checkEmail(probe, outputs, testCase, customers[testCase], options),
        ),
      )),
    );
  } finally {
    results.push(await cleanUp(probe, outputs.AdminForgetFunctionArn, Object.values(customers)));
  }
  return results;
}

function checkStack(
  name: string,
  stack: StackInfo | undefined,
  data: StackInfo | undefined,
  results: CheckResult[],
): Outputs | undefined {
  if (stack === undefined) {
    results.push({
      check: 'stack',
      status: 'fail',
      detail: `no stack named ${name} in this region`,
      fix: 'pass the pipeline stack, e.g. --stack Sadakat-prod-Pipeline, and the region it is in (--region)',
    });
    return undefined;
  }
  const exports = data?.exports ?? {};
  const missing = [
    ...DOCTOR_OUTPUTS.filter((key) => stack.outputs[key] === undefined),
    ...DOCTOR_DATA_EXPORTS.filter((name) => exports[name] === undefined).map(
      (name) => `${data === undefined ? 'data stack' : stack.outputs.DataStackName}:${name}`,
    ),
  ];
  const settled = /_COMPLETE$/.test(stack.status) && !/ROLLBACK|DELETE/.test(stack.status);
  if (!settled || missing.length > 0) {
    results.push({
      check: 'stack',
      status: 'fail',
      detail: [`status ${stack.status}`, ...(missing.length > 0 ? [`missing outputs ${missing.join(', ')}`] : [])].join(
        '; ',
      ),
      fix: 'deploy this version of sadakat (npx cdk deploy --all …) and wait for CREATE/UPDATE_COMPLETE',
    });
    return undefined;
  }
  results.push({
    check: 'stack',
    status: 'pass',
    detail: `${stack.status}, all ${DOCTOR_OUTPUTS.length} outputs present`,
  });
  return stack.outputs as Outputs;
}

async function checkConcurrency(probe: DoctorProbe): Promise<CheckResult> {
  const { limit, unreserved } = await probe.accountConcurrency();
  const detail = `account limit ${limit}, unreserved ${unreserved}`;
  const fix =
    'ask for a higher "Concurrent executions" quota: Service Quotas → AWS Lambda (new accounts may start at 10)';
  if (unreserved < MIN_UNRESERVED_CONCURRENCY) return { check: 'lambda-concurrency', status: 'fail', detail, fix };
  if (limit < DEFAULT_CONCURRENCY) return { check: 'lambda-concurrency', status: 'warn', detail, fix };
  return { check: 'lambda-concurrency', status: 'pass', detail };
}

function checkSesAccount(ses: SesAccount): CheckResult {
  const detail = `${ses.productionAccess ? 'production' : 'sandbox'}, ${ses.sentLast24Hours}/${ses.max24HourSend} in 24 h, ${ses.maxSendRate}/s`;
  if (!ses.sendingEnabled)
    return {
      check: 'ses-account',
      status: 'fail',
      detail: `sending paused; ${detail}`,
      fix: 'SES paused sending for this account: see the SES console → Reputation metrics, fix the cause, ask AWS to resume',
    };
  if (!ses.productionAccess)
    return {
      check: 'ses-account',
      status: 'warn',
      detail,
      fix: 'in the SES sandbox mail reaches only verified addresses: request production access (docs/deploy.md §2)',
    };
  return { check: 'ses-account', status: 'pass', detail };
}

/**
 * Sends over SES's maximum rate are throttled, and each comes back through the queue; with
 * `sending.email.messagesPerSecond` at or under it, the send function paces them instead (decision 177).
 */
function checkSesSendRate(ses: SesAccount, campaign: DoctorOptions['campaign']): CheckResult {
  const check = 'ses-send-rate';
  if (campaign === undefined)
    return { check, status: 'skip', detail: 'no campaign folder to compare (--campaign DIR)' };
  const rate = campaign.emailMessagesPerSecond;
  const fix = `set sending: { email: { messagesPerSecond: ${ses.maxSendRate} } } in settings.yaml (or lower) and deploy`;
  if (rate === undefined)
    return {
      check,
      status: 'warn',
      detail: `settings.yaml sets no sending.email.messagesPerSecond; SES allows ${ses.maxSendRate}/s`,
      fix,
    };
  if (rate > ses.maxSendRate)
    return {
      check,
      status: 'fail',
      detail: `sending.email.messagesPerSecond ${rate} is over SES's maximum send rate ${ses.maxSendRate}/s`,
      fix,
    };
  return { check, status: 'pass', detail: `${rate}/s of SES's ${ses.maxSendRate}/s` };
}

async function checkSms(probe: DoctorProbe): Promise<CheckResult[]> {
  const sms = await probe.smsAccount();
  const results: CheckResult[] = [];
  results.push(
    sms.inSandbox
      ? {
          check: 'sms-sandbox',
          status: 'warn',
          detail: 'SMS sandbox: only verified destination numbers',
          fix: 'request production SMS access (End User Messaging SMS console → Overview → Request production access)',
        }
      : { check: 'sms-sandbox', status: 'pass', detail: 'out of the SMS sandbox' },
  );
  const limit = sms.monthlySpendLimit;
  results.push(
    limit === undefined || limit <= 1
      ? {
          check: 'sms-spend-limit',
          status: 'warn',
          detail: `monthly SMS spend limit ${limit ?? 1} USD (the default): sends stop once it is reached`,
          fix: 'raise it with a support case, then `aws sns set-sms-attributes --attributes MonthlySpendLimit=<USD>`',
        }
      : { check: 'sms-spend-limit', status: 'pass', detail: `monthly SMS spend limit ${limit} USD` },
  );
  results.push(
    sms.deliveryStatusLogging
      ? { check: 'sms-delivery-logging', status: 'pass', detail: 'SMS delivery status is logged to CloudWatch Logs' }
      : {
          check: 'sms-delivery-logging',
          status: 'warn',
          detail: 'SMS delivery status is not logged: a failed SMS leaves no trace',
          fix: 'set DeliveryStatusIAMRole and DeliveryStatusSuccessSamplingRate with `aws sns set-sms-attributes` (docs/deploy.md "SMS")',
        },
  );
  const turkish = sms.senderIds.filter((sender) => sender.isoCountryCode === 'TR');
  results.push(
    turkish.some((sender) => sender.registered)
      ? {
          check: 'sms-sender-id',
          status: 'pass',
          detail: `registered sender id for TR: ${turkish.map((sender) => sender.senderId).join(', ')}`,
        }
      : {
          check: 'sms-sender-id',
          status: 'warn',
          detail: 'no registered alphanumeric sender id for Turkey (TR): SMS to +90 numbers is not delivered',
          fix: 'register one in End User Messaging SMS (Turkey registration, İYS brand code) — docs/deploy.md "SMS"',
        },
  );
  return results;
}

async function checkPush(probe: DoctorProbe, arnList: string | undefined): Promise<CheckResult[]> {
  const arns = (arnList ?? '').split(',').filter((arn) => arn !== '');
  if (arns.length === 0) return [{ check: 'push', status: 'skip', detail: 'no push platform applications configured' }];
  const results: CheckResult[] = [];
  for (const arn of arns) {
    const app = await probe.platformApplication(arn);
    const check = `push-${app.platform.toLowerCase()}`;
    const fix =
      app.platform === 'GCM'
        ? 'use FCM HTTP v1: `aws sns set-platform-application-attributes` with the service-account JSON (docs/deploy.md "Push")'
        : 'use an APNs token (.p8) credential (docs/deploy.md "Push")';
    if (!app.enabled) results.push({ check, status: 'fail', detail: `${arn} is disabled`, fix });
    else if (app.authenticationMethod !== 'token')
      results.push({
        check,
        status: 'fail',
        detail: `${arn} authenticates with ${app.authenticationMethod ?? 'an unknown method'}, not a token`,
        fix,
      });
    else results.push({ check, status: 'pass', detail: `${arn}: enabled, token credentials` });
  }
  return results;
}

async function checkAlarmTopic(probe: DoctorProbe, topicArn: string): Promise<CheckResult[]> {
  const topic = await probe.alarmTopic(topicArn);
  const results: CheckResult[] = [];
  if (!topic.allowsCloudWatch)
    results.push({
      check: 'alarm-topic',
      status: 'fail',
      detail: 'the topic policy does not let CloudWatch publish: alarms reach nobody',
      fix: 'deploy this version of sadakat (its alerts topic policy allows cloudwatch.amazonaws.com)',
    });
  else if (topic.confirmedSubscriptions === 0)
    results.push({
      check: 'alarm-topic',
      status: 'fail',
      detail: `no confirmed subscription (${topic.pendingSubscriptions} pending)`,
      fix: 'deploy with -c alarmEmail=… and click the link in the confirmation mail AWS sends it',
    });
  else
    results.push({
      check: 'alarm-topic',
      status: 'pass',
      detail: `${topic.confirmedSubscriptions} confirmed subscription(s), CloudWatch may publish`,
    });
  const alarm = topic.alarmNames[0];
  if (alarm === undefined) {
    results.push({
      check: 'alarm-test',
      status: 'fail',
      detail: 'no alarm notifies the topic',
      fix: 'deploy this version of sadakat',
    });
  } else {
    // CloudWatch puts the alarm back to its real state at its next evaluation (within minutes).
    await probe.setAlarmState(alarm, 'ALARM', 'sadakat doctor: test notification, no action needed');
    results.push({
      check: 'alarm-test',
      status: topic.confirmedSubscriptions > 0 && topic.allowsCloudWatch ? 'pass' : 'warn',
      detail: `set ${alarm} to ALARM: a test notification should reach the subscribers now`,
    });
  }
  return results;
}

async function checkIngest(
  probe: DoctorProbe,
  outputs: Outputs,
  customers: Record<EmailCase, string>,
  options: DoctorOptions,
): Promise<{ results: CheckResult[]; accepted: boolean }> {
  const url = `${outputs.IngestUrl.replace(/\/+$/, '')}/v1/batch`;
  const sentAt = options.now().toISOString();
  const batch = {
    batch: (Object.keys(SIMULATOR) as EmailCase[]).map((testCase) => ({
      type: 'identify',
      userId: customers[testCase],
      messageId: `${customers[testCase]}:identify`,
      timestamp: sentAt,
      traits: { email: SIMULATOR[testCase], consent: { email: true, timestamp: sentAt } },
    })),
  };
  const results: CheckResult[] = [];
  const anonymous = await probe.postIngest(url, batch);
  const key = await probe.serverWriteKey(outputs.WriteKeysArn);
  if (key === undefined) {
    results.push({
      check: 'ingest-auth',
      status: 'fail',
      detail: 'the write-keys secret holds no server key',
      fix: 'add a server key to the write-keys secret (docs/deploy.md "Write keys")',
    });
    return { results, accepted: false };
  }
  const keyed = await probe.postIngest(url, batch, key);
  const accepted = keyed.status === 200 && acceptedCount(keyed.body) === batch.batch.length;
  if (anonymous.status !== 401 || !accepted) {
    results.push({
      check: 'ingest-auth',
      status: 'fail',
      detail: `without a key ${anonymous.status} (want 401), with the server key ${keyed.status} ${keyed.body.slice(0, 200)} (want 200, accepted ${batch.batch.length})`,
      fix: 'check the ingest function logs and the write-keys secret',
    });
    return { results, accepted: false };
  }
  results.push({ check: 'ingest-auth', status: 'pass', detail: '401 without a key, 200 with the server key' });
  const visible = await poll(probe, options.profileTimeoutMs ?? 60_000, options.pollIntervalMs ?? 2_000, () =>
    probe.profileExists(outputs.TableName, customers.success),
  );
  results.push(
    visible
      ? { check: 'ingest-profile', status: 'pass', detail: 'the test customer’s profile appeared' }
      : {
          check: 'ingest-profile',
          status: 'fail',
          detail: `no profile after ${Math.round((options.profileTimeoutMs ?? 60_000) / 1000)} s`,
          fix: 'check process-events: its logs, the events DLQ alarm, the event source mapping',
        },
  );
  return { results, accepted: visible };
}

function acceptedCount(body: string): number | undefined {
  try {
    const parsed = JSON.parse(body) as { accepted?: unknown };
    return typeof parsed.accepted === 'number' ? parsed.accepted : undefined;
  } catch {
    return undefined;
  }
}

async function checkEmail(
  probe: DoctorProbe,
  outputs: Outputs,
  testCase: EmailCase,
  customerId: string,
  options: DoctorOptions,
): Promise<CheckResult> {
  const check = `email-${testCase}`;
  const request: SendRequest = {
    messageId: sendMessageId(DOCTOR_JOURNEY_ID, options.runId, testCase, 0),
    customerId,
    journeyId: DOCTOR_JOURNEY_ID,
    runId: options.runId,
    stepId: testCase,
    visit: 0,
    variant: options.runId,
    holdout: false,
    channel: 'email',
    fallback: [],
    template: DOCTOR_TEMPLATE,
    vars: {},
    transactional: true,
    requestedAt: options.now().toISOString(),
  };
  await probe.enqueueSend(outputs.SendsQueueUrl, request);
  const mark = MARK[testCase];
  let last: LedgerView | undefined;
  const done = await poll(probe, options.emailTimeoutMs ?? 180_000, options.pollIntervalMs ?? 2_000, async () => {
    last = await probe.ledger(outputs.TableName, customerId, request.messageId);
    return last !== undefined && (last[mark] !== undefined || last.status === 'failed' || last.status === 'unknown');
  });
  if (done && last?.[mark] !== undefined)
    return { check, status: 'pass', detail: `sent to ${SIMULATOR[testCase]}; ${mark} came back through ses-feedback` };
  if (last?.status === 'failed' || last?.status === 'unknown')
    return {
      check,
      status: 'fail',
      detail: `the send ended ${last.status}${last.detail ? `: ${last.detail}` : ''}`,
      fix: 'check the SES identity (verified? sesIdentityArn or sesDomain deployed?) and the send function logs',
    };
  if (last?.status === 'sent')
    return {
      check,
      status: 'fail',
      detail: `sent, but no ${mark} came back`,
      fix: 'SES events do not reach ses-feedback: check the configuration set event destination and the feedback topic KMS key policy',
    };
  const metrics = await probe.messageMetrics(outputs.TableName, DOCTOR_JOURNEY_ID, options.runId, testCase);
  const reasons = REFUSALS.filter((reason) => (metrics[reason] ?? 0) > 0);
  if (testCase !== 'success' && reasons.length === 1 && reasons[0] === 'suppressed')
    return {
      check,
      status: 'pass',
      detail: `${SIMULATOR[testCase]} is already suppressed (an earlier doctor run's ${testCase} came back)`,
    };
  return {
    check,
    status: 'fail',
    detail:
      reasons.length > 0 ? `refused: ${reasons.join(', ')}` : 'no decision recorded: the send request was not consumed',
    fix: 'check the send function: its logs, the sends DLQ alarm, the unsubscribe keys secret (docs/deploy.md)',
  };
}

async function cleanUp(probe: DoctorProbe, functionArn: string, customerIds: string[]): Promise<CheckResult> {
  const failures: string[] = [];
  for (const customerId of customerIds) {
    try {
      await probe.forget(functionArn, customerId);
    } catch (error) {
      failures.push(`${customerId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return failures.length === 0
    ? { check: 'cleanup', status: 'pass', detail: `erased the ${customerIds.length} test customers` }
    : {
        check: 'cleanup',
        status: 'fail',
        detail: failures.join('; '),
        fix: 'grant lambda:InvokeFunction on AdminForgetFunctionArn (the DoctorPolicy output does) and run doctor again',
      };
}

async function poll(
  probe: DoctorProbe,
  timeoutMs: number,
  intervalMs: number,
  done: () => Promise<boolean>,
): Promise<boolean> {
  for (let waited = 0; ; waited += intervalMs) {
    if (await done()) return true;
    if (waited >= timeoutMs) return false;
    await probe.sleep(intervalMs);
  }
}
