/**
 * The unsubscribe link (DESIGN "Send", RFC 8058): GET shows a confirmation page with a button
 * (mail scanners follow links, so a GET must not unsubscribe); POST — the button, or a mail
 * client's one-click `List-Unsubscribe=One-Click` — revokes the channel's consent at once and
 * enqueues a `consent` message, and suppresses the profile's address on that channel, so no
 * other profile carrying it (a new sign-up, a stranger's identify) is messaged either (DESIGN
 * "Trust"). A forged or altered token is a 403 and changes nothing.
 */
import type { CustomerMessage } from '../events/messages.js';
import type { Clock, EventQueue, ProfileStore } from '../ports.js';
import type { SuppressionList } from './ports.js';
import { applyRevocation } from './revoke.js';
import type { Channel } from './send-request.js';
import { verifyUnsubscribeToken, type UnsubscribeKeyring } from './unsubscribe-token.js';

export interface UnsubscribeDeps {
  profiles: ProfileStore;
  events: EventQueue;
  keyring: UnsubscribeKeyring;
  suppression: SuppressionList;
  clock: Clock;
  /** Shown on the pages. */
  senderName?: string;
}

export interface UnsubscribeRequest {
  method: string;
  token: string;
}

export interface UnsubscribePage {
  statusCode: number;
  html: string;
}

const CHANNEL_WORDS = {
  email: 'emails',
  sms: 'text messages',
  push: 'push notifications',
  call: 'calls',
  whatsapp: 'WhatsApp messages',
} as const;

export async function handleUnsubscribe(deps: UnsubscribeDeps, request: UnsubscribeRequest): Promise<UnsubscribePage> {
  const check = verifyUnsubscribeToken(deps.keyring, request.token);
  if (!check.valid)
    return page(
      403,
      'This link is not valid',
      '<p>This unsubscribe link is not valid. Please use the link from the message you received.</p>',
    );
  const from = escapeHtml(deps.senderName ?? 'us');
  const what = CHANNEL_WORDS[check.channel];
  const method = request.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD') {
    return page(
      200,
      'Unsubscribe',
      `<p>Stop receiving marketing ${what} from ${from}?</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
    );
  }
  if (method !== 'POST') return page(405, 'Not allowed', '<p>Use the button on the unsubscribe page.</p>');

  const at = deps.clock.now().toISOString();
  const applied = await applyRevocation(deps.profiles, check.customerId, { consent: check.channel, at });
  const address = await addressOf(deps.profiles, check.customerId, check.channel);
  if (address !== undefined) await deps.suppression.suppress(address, 'unsubscribe', at);
  if (applied !== 'no_profile') {
    const message: CustomerMessage = {
      kind: 'consent',
      customerId: check.customerId,
      channel: check.channel,
      granted: false,
      source: 'unsubscribe',
      at,
    };
    await deps.events.enqueue([message]);
  }
  return page(200, 'You are unsubscribed', `<p>You will not receive marketing ${what} from ${from} any more.</p>`);
}

/**
 * The address the channel reaches the customer at now. Push has none (its consent is enough), and
 * WhatsApp's number is also the SMS number: its revoked consent is enough, and SMS stays reachable.
 */
async function addressOf(profiles: ProfileStore, customerId: string, channel: Channel): Promise<string | undefined> {
  if (channel === 'push' || channel === 'whatsapp') return undefined;
  const profile = await profiles.getProfile(customerId);
  return channel === 'email' ? profile?.channels.email : profile?.channels.phone;
}

/** A small page of ours (unsubscribe and confirmation links); `title` is our own text, never a caller's. */
export function page(statusCode: number, title: string, body: string): UnsubscribePage {
  return {
    statusCode,
    html: `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`,
  };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
