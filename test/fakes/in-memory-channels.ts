/**
 * In-memory implementations of the channel ports (shared/channels/ports.ts) for domain tests,
 * with recorders for what was sent and switches for the provider faults the decision must survive.
 */
import { createHash } from 'node:crypto';
import type { CustomerMessage } from '../../shared/events/messages.js';
import type { Clock, EventQueue } from '../../shared/ports.js';
import { ProviderError } from '../../shared/channels/provider-error.js';
import type {
  CallTask,
  CallTaskSender,
  EmailSender,
  OutgoingEmail,
  EngagementMetric,
  PushNotification,
  PushResult,
  PushSender,
  Sms,
  SmsSender,
  WebhookPost,
  WebhookSender,
  WhatsAppMessage,
  WhatsAppSender,
} from '../../shared/channels/ports.js';
import type { EngagementMarks } from '../../shared/channels/engagement-marks.js';

export {
  InMemoryCapCounters,
  InMemoryDueQueue,
  InMemoryMessageStats,
  InMemorySendLedger,
  InMemorySuppressionList,
} from '../../shared/channels/in-memory-channel-stores.js';

/** A provider fault for the next call(s): throw this from the fake. */
export type FakeFault = () => Error;

export class RecordingEmailSender implements EmailSender {
  readonly sent: OutgoingEmail[] = [];
  fault?: FakeFault;

  async sendEmail(email: OutgoingEmail): Promise<{ providerMessageId: string }> {
    if (this.fault) throw this.fault();
    this.sent.push(email);
    return { providerMessageId: `ses-${this.sent.length}` };
  }
}

/**
 * SES at a maximum send rate on a clock: at most `perSecond` calls in any one-second window (the
 * epoch second), the rest answered with SES's throttling error (`Throttling`, nothing sent).
 */
export class RateLimitedEmailSender implements EmailSender {
  readonly sent: OutgoingEmail[] = [];
  throttled = 0;
  private window = { second: Number.NaN, calls: 0 };

  constructor(
    private readonly clock: Clock,
    private readonly perSecond: number,
  ) {}

  async sendEmail(email: OutgoingEmail): Promise<{ providerMessageId: string }> {
    const second = Math.floor(this.clock.now().getTime() / 1000);
    if (second !== this.window.second) this.window = { second, calls: 0 };
    if (this.window.calls >= this.perSecond) {
      this.throttled++;
      throw new ProviderError('throttled', 'Throttling');
    }
    this.window.calls++;
    this.sent.push(email);
    return { providerMessageId: `ses-${this.sent.length}` };
  }
}

export class RecordingSmsSender implements SmsSender {
  readonly sent: Sms[] = [];
  fault?: FakeFault;

  async sendSms(sms: Sms): Promise<{ providerMessageId: string }> {
    if (this.fault) throw this.fault();
    this.sent.push(sms);
    return { providerMessageId: `sns-${this.sent.length}` };
  }
}

export class RecordingPushSender implements PushSender {
  readonly sent: PushNotification[] = [];
  /** Endpoints the fake reports disabled. */
  disabled = new Set<string>();
  fault?: FakeFault;

  async sendPush(push: PushNotification): Promise<PushResult> {
    if (this.fault) throw this.fault();
    const disabled = push.devices
      .map((device) => device.endpoint ?? device.token)
      .filter((endpoint) => this.disabled.has(endpoint));
    const delivered = push.devices.length - disabled.length;
    if (delivered > 0) this.sent.push(push);
    return { delivered, disabled, ...(delivered > 0 ? { providerMessageId: `push-${this.sent.length}` } : {}) };
  }
}

/** Records each webhook POST; `answers` are played in order (a status, or a ProviderError to throw), then 200. */
export class RecordingWebhookSender implements WebhookSender {
  readonly posts: WebhookPost[] = [];
  answers: (number | ProviderError)[] = [];

  async post(post: WebhookPost): Promise<{ status: number }> {
    this.posts.push(post);
    const answer = this.answers.shift() ?? 200;
    if (answer instanceof ProviderError) throw answer;
    return { status: answer };
  }
}

/** Call tasks, created once per client token (as Connect's ClientToken does). */
export class RecordingCallTaskSender implements CallTaskSender {
  readonly created: CallTask[] = [];
  /** Calls made, including repeats of a token. */
  calls = 0;
  fault?: FakeFault;

  async createCallTask(task: CallTask): Promise<{ providerMessageId: string }> {
    this.calls++;
    if (this.fault) throw this.fault();
    if (!this.created.some((known) => known.clientToken === task.clientToken)) this.created.push(task);
    return { providerMessageId: `task-${task.clientToken.slice(0, 8)}` };
  }
}

/** Records each WhatsApp message; `fault` throws instead. */
export class RecordingWhatsAppSender implements WhatsAppSender {
  readonly sent: WhatsAppMessage[] = [];
  fault?: FakeFault;

  async sendWhatsApp(message: WhatsAppMessage): Promise<{ providerMessageId: string }> {
    if (this.fault) throw this.fault();
    this.sent.push(message);
    return { providerMessageId: `wa-${this.sent.length}` };
  }
}

export class RecordingEventQueue implements EventQueue {
  readonly messages: CustomerMessage[] = [];

  async enqueue(messages: readonly CustomerMessage[]): Promise<void> {
    this.messages.push(...messages);
  }
}

export function fakeMessageId(label: string): string {
  return createHash('sha256').update(label).digest('hex');
}

/** Engagement marks on the send ledger, recorded in call order. */
export class RecordingEngagementMarks implements EngagementMarks {
  readonly marks: { customerId: string; messageId: string; metric: EngagementMetric; at: string }[] = [];
  async mark(customerId: string, messageId: string, metric: EngagementMetric, at: string) {
    this.marks.push({ customerId, messageId, metric, at });
  }
}
