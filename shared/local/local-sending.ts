/**
 * Sending on the embedded runtime: the real send, ses-feedback and unsubscribe handlers and the
 * same DynamoDB adapters as in AWS, a local `sends.fifo` (+ DLQ), the local SES endpoint reached
 * through the real SES client, the SNS outbox for SMS and push, and the call list for call tasks. The lead's runtime/demo wires
 * this beside the events pipeline; `stop` ends only what this started.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { buildHandler as buildSendHandler, type SendHandlerDeps } from '../../functions/send.js';
import { buildHandler as buildReleaseDeferredHandler } from '../../functions/release-deferred.js';
import { buildHandler as buildFeedbackHandler } from '../../functions/ses-feedback.js';
import { buildHandler as buildUnsubscribeHandler } from '../../functions/unsubscribe.js';
import { buildHandler as buildConfirmHandler } from '../../functions/confirm.js';
import { createSesClient, SesEmailSender } from '../aws/ses-email-sender.js';
import { envWebhookSecrets } from '../aws/webhook-secrets.js';
import { HttpWebhookSender } from '../aws/webhook-sender.js';
import type { SendDeps } from '../channels/decide-send.js';
import type { TemplateSet } from '../channels/render.js';
import type { SendQueue } from '../channels/send-request.js';
import type { UnsubscribeKeyring } from '../channels/unsubscribe-token.js';
import type { RuntimeCampaign } from '../wiring/runtime-campaign.js';
import {
  composeConfirmDeps,
  composeFeedbackDeps,
  composePacedSends,
  composeSendDeps,
  composeUnsubscribeDeps,
} from '../wiring/compose.js';
import type { LocalLogLevel } from './local-handlers.js';
import type { WriteMeter } from '../aws/write-meter.js';
import { LocalFifoQueue } from './fifo-queue.js';
import { localLambdaContext } from './lambda-context.js';
import { InProcessSendRateLimiter } from './local-send-rate.js';
import { startLocalSes, type LocalSes } from './local-ses-server.js';
import { LocalSendQueue } from './local-send-queue.js';
import { LocalSnsOutbox } from './local-sns-outbox.js';
import { callListPath, LocalCallList } from './local-call-list.js';
import { drainQueue, type DrainStats, type SqsHandler } from './queue-driver.js';
import type { LocalRuntime } from './runtime.js';
import { VirtualClock } from './virtual-clock.js';

/** A fixed local key: local tokens are for the demo's own links only. */
export const LOCAL_UNSUBSCRIBE_KEYRING: UnsubscribeKeyring = {
  current: 'local',
  keys: { local: 'sadakat-local-unsubscribe-key-not-for-production' },
};

export interface LocalSendingOptions {
  /** Settings, and the journeys whose `limits` and `quietHours` the send handler applies. */
  campaign: Pick<RuntimeCampaign, 'settings' | 'journeys'>;
  templates: TemplateSet;
  keyring?: UnsubscribeKeyring;
  unsubscribeBaseUrl?: string;
  onResult?: SendHandlerDeps['onResult'];
  /** Replaces the SES adapter (tests inject a failing provider). */
  email?: SendDeps['email'];
  /** Replaces the webhook adapter (default: real POSTs, secrets from environment variables). */
  webhook?: SendDeps['webhook'];
  logLevel?: LocalLogLevel;
  /**
   * How far ahead release-deferred releases, each deferral at its wake time (AWS: the whole minute); 0
   * (default): only what is due. With a VirtualClock, waiting drains the sends queue and then
   * moves the clock to the wake time — the send function working while release-deferred waits.
   */
  releaseHorizonMs?: number;
  /** Counts the send path's writes: the send handler's and release-deferred's (the demo's `sendWrites`). */
  writes?: WriteMeter;
}

export interface LocalSending {
  sendsQueue: LocalFifoQueue;
  sendsDlq: LocalFifoQueue;
  /** The sends queue as is: what is put here is paced by the send function. */
  sends: LocalSendQueue;
  /** The sends queue journeys and release-deferred fill: paced at enqueue, as process-events does in AWS. */
  journeySends: SendQueue;
  ses: LocalSes;
  outbox: LocalSnsOutbox;
  /** Call tasks (`<dataDir>/call-list.jsonl`), for `sadakat calls` and the demo's agents. */
  calls: LocalCallList;
  deps: SendDeps;
  send: SqsHandler;
  sesFeedback: ReturnType<typeof buildFeedbackHandler>;
  unsubscribe: ReturnType<typeof buildUnsubscribeHandler>;
  /** The double opt-in links (`/c/{token}`). */
  confirm: ReturnType<typeof buildConfirmHandler>;
  /** Decides every queued send (retries included, on the queue's clock). */
  drain(): Promise<DrainStats>;
  /** Re-enqueues deferred sends whose wake time has come (the release-deferred function, locally). */
  releaseDeferred(): Promise<{ released: number }>;
  stop(): Promise<void>;
}

export async function startLocalSending(runtime: LocalRuntime, options: LocalSendingOptions): Promise<LocalSending> {
  const { clock } = runtime.adapters;
  const ses = await startLocalSes({ clock });
  const sendsDlq = new LocalFifoQueue({ name: 'sends-dlq.fifo', clock });
  const sendsQueue = new LocalFifoQueue({ name: 'sends.fifo', clock, dlq: sendsDlq });
  const sends = new LocalSendQueue(sendsQueue);
  const outbox = new LocalSnsOutbox(join(runtime.dataDir, 'sns-outbox.jsonl'), clock);
  const calls = new LocalCallList(callListPath(runtime.dataDir));
  const keyring = options.keyring ?? LOCAL_UNSUBSCRIBE_KEYRING;
  const adapters = {
    ...runtime.adapters,
    email: options.email ?? new SesEmailSender(createSesClient({ endpoint: ses.endpoint }), 'sadakat-local'),
    sms: outbox,
    push: outbox,
    whatsapp: outbox,
    webhook: options.webhook ?? new HttpWebhookSender({ secrets: envWebhookSecrets(process.env) }),
    calls,
    // One process: the rate cursors are kept in memory (Lambda keeps them in the table), shared
    // by the send function and the journeys' paced enqueue.
    rate: new InProcessSendRateLimiter(),
    unsubscribe: { keyring, baseUrl: options.unsubscribeBaseUrl ?? 'http://localhost:8787' },
  };
  const deps = composeSendDeps(adapters, options.campaign, options.templates);
  const journeySends = composePacedSends(sends, adapters, options.campaign);
  const logLevel = options.logLevel ?? 'SILENT';
  const meter = options.writes;
  const metered = <Args extends unknown[], Result>(handler: (...args: Args) => Promise<Result>) =>
    meter ? (...args: Args) => meter.run(() => handler(...args)) : handler;
  const send = metered(
    buildSendHandler({
      ...deps,
      ...(runtime.adapters.archive ? { archive: runtime.adapters.archive } : {}),
      logger: new Logger({ serviceName: 'send', logLevel }),
      ...(options.onResult ? { onResult: options.onResult } : {}),
    }),
  );
  const drain = () => drainQueue(sendsQueue, send, { concurrency: 4, clock, functionName: 'send' });
  const releaseDeferred = metered(
    buildReleaseDeferredHandler({
      due: deps.due,
      sends: journeySends,
      clock,
      horizonMs: options.releaseHorizonMs ?? 0,
      waitUntil: async (at) => {
        await drain();
        if (clock instanceof VirtualClock) {
          if (at > clock.now()) clock.set(at);
        } else {
          const wait = at.getTime() - clock.now().getTime();
          if (wait > 0) await sleep(wait);
        }
      },
      slots: runtime.adapters.table.passSlots,
      logger: new Logger({ serviceName: 'release-deferred', logLevel }),
    }),
  );
  return {
    sendsQueue,
    sendsDlq,
    sends,
    journeySends,
    ses,
    outbox,
    calls,
    deps,
    send,
    sesFeedback: buildFeedbackHandler({
      ...composeFeedbackDeps(adapters),
      logger: new Logger({ serviceName: 'ses-feedback', logLevel }),
    }),
    unsubscribe: buildUnsubscribeHandler({
      ...composeUnsubscribeDeps(adapters, options.campaign.settings.sender.fromName),
      logger: new Logger({ serviceName: 'unsubscribe', logLevel }),
    }),
    confirm: buildConfirmHandler({
      ...composeConfirmDeps(adapters, options.campaign.settings.sender.fromName),
      logger: new Logger({ serviceName: 'confirm', logLevel }),
    }),
    drain,
    // The deployed release-deferred function's handler, as its schedule invokes it.
    releaseDeferred: async () => {
      const result = await releaseDeferred({}, localLambdaContext('release-deferred'));
      if ('skipped' in result) throw new Error('release-deferred: a local pass has no scheduled slot to skip');
      return result;
    },
    stop: () => ses.stop(),
  };
}
