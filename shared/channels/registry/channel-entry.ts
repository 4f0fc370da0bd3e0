/**
 * One channel of the send path (DESIGN "Send"): which consent permits it, where the customer is
 * reached on it, what suppresses it, the settings it cannot send without, and its provider call.
 * decide-send.ts asks the entry and never names a channel; a new channel is a new entry in
 * registry.ts (and its templates in render.ts), not an edit of the decision.
 */
import type { ConsentChannel } from '../../profiles/consent.js';
import type { Profile } from '../../profiles/schema.js';
import type { SendDeps } from '../decide-send.js';
import type { CapLimit } from '../guards/frequency-cap.js';
import type { GuardResult } from '../guards/guard-result.js';
import type { QuietHours } from '../guards/quiet-hours.js';
import type { MessageTags, SuppressionList } from '../ports.js';
import type { RenderedContent } from '../render.js';
import type { Channel, SendRequest } from '../send-request.js';
import { CHANNEL_DELIVERY } from './delivery.js';

/** What a provider call gets: the request, its rendered content, and the ports and settings that send. */
export interface ProviderCall<Content extends RenderedContent = RenderedContent> {
  request: SendRequest;
  content: Content;
  tags: MessageTags;
  /** The signed unsubscribe link, for a channel whose messages carry one. */
  unsubscribeUrl?: string;
  now: Date;
  deps: Pick<
    SendDeps,
    | 'email'
    | 'sms'
    | 'push'
    | 'webhook'
    | 'calls'
    | 'whatsapp'
    | 'whatsappDirectory'
    | 'events'
    | 'settings'
    | 'unsubscribe'
    | 'clock'
  >;
}

/**
 * How a send on this channel is delivered. `at-most-once` (email, SMS, push): a claim is never
 * tried again — a 5xx or timeout is `unknown`. `at-least-once` (webhook, decision 160): the
 * receiver de-duplicates by the message id, so a 5xx, 429 or timeout is tried again later.
 */
export type Delivery = 'at-most-once' | 'at-least-once';

/** A channel's own quiet hours and caps, replacing the campaign's and the journey's (webhook endpoints). */
export interface ChannelSendPolicy {
  quietHours: QuietHours | undefined;
  /** Per-customer caps on this channel's own counter; the cross-channel `all` cap does not apply. */
  limits: CapLimit | undefined;
}

export type ContentOf<C extends Channel> = Extract<RenderedContent, { channel: C }>;

/** How a channel is written, with its own address type `A`. */
export interface ChannelSpec<C extends Channel, A> {
  channel: C;
  /** The profile's consent that permits this channel; missing consent is "no". `null`: internal systems, no consent applies. */
  consent: ConsentChannel | null;
  /** Messages carry a signed unsubscribe link (`unsubscribe_url` in templates, List-Unsubscribe); default no. */
  unsubscribeLink?: boolean;
  /** The customer's address on this channel (or the request's endpoint), or undefined (`unreachable`). */
  address(profile: Profile, request: SendRequest): A | undefined;
  /** Decision 4 (`suppressed`): bounces, complaints, opt-outs, disabled endpoints. */
  suppression(profile: Profile, address: A, list: SuppressionList): Promise<GuardResult>;
  /** A setting this channel cannot send without: the request is `failed` before the claim, never `unknown`. */
  misconfigured?(settings: SendDeps['settings'], request: SendRequest): string | undefined;
  /** Quiet hours and caps of the channel's own, instead of the campaign's and the journey's. */
  policy?(settings: SendDeps['settings'], request: SendRequest): ChannelSendPolicy;
  /**
   * What of the rendered content may go to this customer now (WhatsApp: text only inside the
   * 24-hour service window); a refusal is `unreachable` with its detail, before the claim. Default: all of it.
   */
  fit?(
    address: A,
    content: ContentOf<C>,
    now: Date,
  ): { ok: true; content: ContentOf<C> } | { ok: false; detail: string };
  /** The provider call; returns the provider's message id. Throws ProviderError for classified failures. */
  send(address: A, call: ProviderCall<ContentOf<C>>): Promise<string | undefined>;
}

export type FitResult = { ok: true; content: RenderedContent } | { ok: false; detail: string };

/** A customer reached on one channel: the address is bound in, so the decision never sees its type. */
export interface Recipient {
  readonly channel: Channel;
  suppression(profile: Profile, list: SuppressionList): Promise<GuardResult>;
  /** The content that may go to this customer at `now` (ChannelSpec.fit). */
  fit(content: RenderedContent, now: Date): FitResult;
  send(call: ProviderCall): Promise<string | undefined>;
}

export interface ChannelEntry<C extends Channel = Channel> {
  readonly channel: C;
  readonly consent: ConsentChannel | null;
  readonly delivery: Delivery;
  readonly unsubscribeLink: boolean;
  misconfigured(settings: SendDeps['settings'], request: SendRequest): string | undefined;
  /** Undefined: the campaign's and the journey's quiet hours and caps apply. */
  policy(settings: SendDeps['settings'], request: SendRequest): ChannelSendPolicy | undefined;
  /** The customer on this channel, or undefined when the profile has no address for it. */
  recipient(profile: Profile, request: SendRequest): Recipient | undefined;
}

export function defineChannel<C extends Channel, A>(spec: ChannelSpec<C, A>): ChannelEntry<C> {
  const isOwn = (content: RenderedContent): content is ContentOf<C> => content.channel === spec.channel;
  return {
    channel: spec.channel,
    consent: spec.consent,
    delivery: CHANNEL_DELIVERY[spec.channel],
    unsubscribeLink: spec.unsubscribeLink ?? false,
    misconfigured: (settings, request) => spec.misconfigured?.(settings, request),
    policy: (settings, request) => spec.policy?.(settings, request),
    recipient: (profile, request) => {
      const address = spec.address(profile, request);
      if (address === undefined) return undefined;
      return {
        channel: spec.channel,
        suppression: (current, list) => spec.suppression(current, address, list),
        fit: (content, now) => {
          if (!isOwn(content)) throw new Error(`${spec.channel} recipient given ${content.channel} content`);
          return spec.fit ? spec.fit(address, content, now) : { ok: true, content };
        },
        send: (call) => {
          const { content } = call;
          if (!isOwn(content)) throw new Error(`${spec.channel} recipient given ${content.channel} content`);
          return spec.send(address, { ...call, content });
        },
      };
    },
  };
}
