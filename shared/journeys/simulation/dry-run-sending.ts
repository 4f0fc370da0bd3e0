/**
 * The send path as `sadakat simulate` runs it: every SendRequest the journey makes goes through
 * the send handler's own `decideSend` (shared/channels/decide-send.ts, which calls the read-only
 * `decide` and the channel registry), on in-memory stores and dry-run providers that record
 * instead of sending. So the simulation refuses, defers and caps exactly as the pipeline does,
 * and a change to the decision order changes both at once. Deferred sends come back at their
 * wake time through the same release as the release-deferred function.
 *
 * Not played: a journey's messagesPerSecond and the account's `sending` rate (throughput limits,
 * not decisions about a customer: every send gets its slot at once) and provider failures
 * (the dry-run providers accept everything).
 */
import type { Settings } from '../../config/settings.js';
import { decideSend, type SendDeps } from '../../channels/decide-send.js';
import {
  InMemoryCapCounters,
  InMemoryDueQueue,
  InMemoryMessageStats,
  InMemorySendLedger,
  InMemorySuppressionList,
} from '../../channels/in-memory-channel-stores.js';
import { journeySendPolicies } from '../../channels/journey-policy.js';
import type { CallTaskSender, EmailSender, PushSender, SmsSender } from '../../channels/ports.js';
import { releaseDeferredSends } from '../../channels/release-deferred.js';
import type { TemplateSet } from '../../channels/render.js';
import type { SendResult } from '../../channels/send-outcome.js';
import type { SendRequest } from '../../channels/send-request.js';
import type { UnsubscribeKeyring } from '../../channels/unsubscribe-token.js';
import type { ProfileStore } from '../../ports.js';
import type { Journey } from '../ast.js';

/** One send decision of the simulation, at its virtual time. */
export interface SimulatedDecision {
  at: string;
  request: SendRequest;
  result: SendResult;
}

/** A key that signs nothing real: simulated unsubscribe links are never followed. */
const DRY_RUN_KEYRING: UnsubscribeKeyring = { current: 'dry-run', keys: { 'dry-run': 'sadakat-simulate-dry-run' } };

export interface DryRunSendingOptions {
  profiles: Pick<ProfileStore, 'getProfile' | 'getProfiles'>;
  templates: TemplateSet;
  settings: Settings;
  journeys: readonly Journey[];
  clock: { now(): Date };
}

export class DryRunSending {
  readonly decisions: SimulatedDecision[] = [];
  private readonly due = new InMemoryDueQueue();
  private readonly deps: SendDeps;

  constructor(options: DryRunSendingOptions) {
    let providerCalls = 0;
    const accepted = () => `dry-run-${++providerCalls}`;
    const email: EmailSender = { sendEmail: async () => ({ providerMessageId: accepted() }) };
    const sms: SmsSender = { sendSms: async () => ({ providerMessageId: accepted() }) };
    const push: PushSender = {
      sendPush: async ({ devices }) => ({ delivered: devices.length, disabled: [], providerMessageId: accepted() }),
    };
    const calls: CallTaskSender = { createCallTask: async () => ({ providerMessageId: accepted() }) };
    this.deps = {
      profiles: options.profiles,
      ledger: new InMemorySendLedger(),
      suppression: new InMemorySuppressionList(),
      caps: new InMemoryCapCounters(),
      due: this.due,
      stats: new InMemoryMessageStats(),
      email,
      sms,
      push,
      // Simulations post nothing: a webhook is answered 200.
      webhook: { post: async () => ({ status: 200 }) },
      calls,
      whatsapp: { sendWhatsApp: async () => ({ providerMessageId: accepted() }) },
      events: { enqueue: async () => undefined },
      templates: options.templates,
      settings: options.settings,
      journeyPolicy: journeySendPolicies(options.journeys),
      // Rates are not played: every send gets its slot at once.
      rate: { reserve: async (_scope, _perSecond, now) => now },
      unsubscribe: { keyring: DRY_RUN_KEYRING, baseUrl: 'https://unsubscribe.invalid' },
      clock: options.clock,
    };
  }

  /** What the send handler would decide for these requests now (in order, as one customer's FIFO group). */
  async decide(requests: readonly SendRequest[]): Promise<void> {
    for (const request of requests) {
      const result = await decideSend(this.deps, request);
      this.decisions.push({ at: this.deps.clock.now().toISOString(), request, result });
    }
  }

  /** Deferred sends whose wake time has come, decided again (release-deferred's own pass). */
  async releaseDue(): Promise<void> {
    await releaseDeferredSends(
      { due: this.due, sends: { enqueue: (requests) => this.decide(requests) }, clock: this.deps.clock },
      this.deps.clock.now(),
    );
  }

  /** The earliest wake time of a deferred send (epoch ms), or Infinity. */
  nextWake(): number {
    let earliest = Infinity;
    for (const item of this.due.items.values()) earliest = Math.min(earliest, Date.parse(item.wakeAt));
    return earliest;
  }

  /** Deferred sends still waiting when the simulation stopped. */
  waiting(): { request: SendRequest; wakeAt: string }[] {
    return [...this.due.items.values()].map(({ request, wakeAt }) => ({ request, wakeAt }));
  }
}
