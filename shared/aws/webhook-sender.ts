/**
 * The webhook adapter (the send path's edge, like the SES and SNS senders beside it): one
 * Standard Webhooks POST per attempt with `fetch`. Every attempt is signed afresh with the
 * `standardwebhooks` package over (`webhook-id`, `webhook-timestamp`, body), the timestamp taken
 * from real time — never the virtual clock: receivers reject timestamps more than 5 minutes
 * off, and a retry hours later must carry its own. Redirects are not followed (the signature is
 * for this URL); the answer's body is not read.
 */
import { Webhook } from 'standardwebhooks';
import type { WebhookPost, WebhookSender } from '../channels/ports.js';
import { ProviderError } from '../channels/provider-error.js';

/** Finds an endpoint's `whsec_…` secret from its reference in settings.yaml. */
export type WebhookSecretSource = (post: Pick<WebhookPost, 'endpoint' | 'secret'>) => Promise<string>;

export interface HttpWebhookSenderOptions {
  secrets: WebhookSecretSource;
  /** The signing time; real time unless a test moves it. Never the campaign's virtual clock. */
  signingClock?: () => Date;
  fetch?: typeof fetch;
}

export class HttpWebhookSender implements WebhookSender {
  private readonly signingClock: () => Date;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: HttpWebhookSenderOptions) {
    this.signingClock = options.signingClock ?? (() => new Date());
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async post(post: WebhookPost): Promise<{ status: number }> {
    const secret = await this.options.secrets(post);
    const timestamp = this.signingClock();
    const signature = new Webhook(secret).sign(post.webhookId, timestamp, post.body);
    let response: Response;
    try {
      response = await this.fetch(post.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'sadakat-webhooks/1',
          'webhook-id': post.webhookId,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body: post.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(post.timeoutMs),
      });
    } catch (error) {
      // No answer in time, or the connection failed: the receiver may have the message.
      const name = error instanceof Error ? error.name : 'Error';
      throw new ProviderError('unknown', name === 'TimeoutError' || name === 'AbortError' ? 'Timeout' : 'NetworkError');
    }
    await response.body?.cancel().catch(() => undefined);
    const failure = classifyStatus(response.status);
    if (failure) throw new ProviderError(failure, `HTTP ${response.status || 'redirect'}`);
    return { status: response.status };
  }
}

/** 2xx: delivered. 429: throttled. 408, 425, 5xx: unknown (tried again). Redirects and other 4xx: refused. */
export function classifyStatus(status: number): 'throttled' | 'permanent' | 'unknown' | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (status === 429) return 'throttled';
  if (status === 408 || status === 425 || status >= 500) return 'unknown';
  return 'permanent';
}

/** A Standard Webhooks secret: `whsec_` and base64 of at least 24 bytes. Errors name the endpoint, never the value. */
export function checkWebhookSecret(endpoint: string, value: string): string {
  const trimmed = value.trim();
  const key = trimmed.startsWith('whsec_') ? trimmed.slice('whsec_'.length) : undefined;
  if (key === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(key) || Buffer.from(key, 'base64').length < 24)
    throw new Error(
      `webhook endpoint ${endpoint}: its secret must be "whsec_" followed by base64 of at least 24 random bytes`,
    );
  return trimmed;
}
