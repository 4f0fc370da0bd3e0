/**
 * Decision 3: consent for the channel and an address to send to; when the requested channel
 * lacks either, the request's `fallback` channels are tried in order. The refusal reported is the
 * requested channel's own (`no_consent` before `unreachable`), since that is what marketing asked for.
 */
import type { Profile, PushDevice } from '../../profiles/schema.js';
import type { Channel, SendRequest } from '../send-request.js';

export type SendTarget =
  | { channel: 'email'; email: string }
  | { channel: 'sms'; phone: string }
  | { channel: 'push'; devices: PushDevice[] };

export type ReachabilityResult =
  | { ok: true; target: SendTarget }
  | { ok: false; reason: 'no_consent' | 'unreachable'; channel: Channel };

export function chooseTarget(profile: Profile | undefined, request: SendRequest): ReachabilityResult {
  const channels = [request.channel, ...request.fallback.filter((channel) => channel !== request.channel)];
  let firstRefusal: ReachabilityResult | undefined;
  for (const channel of channels) {
    const result = reach(profile, channel);
    if (result.ok) return result;
    firstRefusal ??= result;
  }
  return firstRefusal ?? { ok: false, reason: 'no_consent', channel: request.channel };
}

function reach(profile: Profile | undefined, channel: Channel): ReachabilityResult {
  // Missing consent is "no": permission must have been given, never assumed.
  if (profile?.consent[channel]?.granted !== true) return { ok: false, reason: 'no_consent', channel };
  switch (channel) {
    case 'email':
      return profile.channels.email
        ? { ok: true, target: { channel, email: profile.channels.email } }
        : { ok: false, reason: 'unreachable', channel };
    case 'sms':
      return profile.channels.phone
        ? { ok: true, target: { channel, phone: profile.channels.phone } }
        : { ok: false, reason: 'unreachable', channel };
    case 'push':
      // Disabled devices still make the customer reachable: they are the suppression guard's business.
      return profile.channels.push.length > 0
        ? { ok: true, target: { channel, devices: profile.channels.push } }
        : { ok: false, reason: 'unreachable', channel };
    default: {
      const unreachable: never = channel;
      throw new Error(`unknown channel ${String(unreachable)}`);
    }
  }
}
