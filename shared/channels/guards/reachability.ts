/**
 * Decision 3: consent for the channel and an address to send to; when the requested channel
 * lacks either, the request's `fallback` channels are tried in order. The refusal reported is the
 * requested channel's own (`no_consent` before `unreachable`), since that is what marketing asked for.
 */
import type { Profile } from '../../profiles/schema.js';
import type { Recipient } from '../registry/channel-entry.js';
import { CHANNELS } from '../registry/registry.js';
import type { Channel, SendRequest } from '../send-request.js';

export type ReachabilityResult =
  | { ok: true; recipient: Recipient; profile: Profile }
  | { ok: false; reason: 'no_consent' | 'unreachable'; channel: Channel };

export function chooseRecipient(profile: Profile | undefined, request: SendRequest): ReachabilityResult {
  const channels = [request.channel, ...request.fallback.filter((channel) => channel !== request.channel)];
  let firstRefusal: ReachabilityResult | undefined;
  for (const channel of channels) {
    const result = reach(profile, channel, request);
    if (result.ok) return result;
    firstRefusal ??= result;
  }
  return firstRefusal ?? { ok: false, reason: 'no_consent', channel: request.channel };
}

function reach(profile: Profile | undefined, channel: Channel, request: SendRequest): ReachabilityResult {
  const entry = CHANNELS[channel];
  // A customer without a profile (never seen, or forgotten) is reached on no channel, internal ones included.
  if (profile === undefined)
    return { ok: false, reason: entry.consent === null ? 'unreachable' : 'no_consent', channel };
  // Missing consent is "no": permission must have been given, never assumed.
  if (entry.consent !== null && profile.consent[entry.consent]?.granted !== true)
    return { ok: false, reason: 'no_consent', channel };
  const recipient = entry.recipient(profile, request);
  return recipient ? { ok: true, recipient, profile } : { ok: false, reason: 'unreachable', channel };
}
