/**
 * Pinpoint endpoints (an export job's newline-delimited EndpointResponse JSON) → sadakat profiles,
 * one per User.UserId (or per endpoint id when there is none). Addresses go to channels, OptOut ALL
 * to a refused consent, INACTIVE endpoints keep no address (push: a disabled device), and user and
 * endpoint attributes become traits (a list of values is joined with commas: traits are scalars).
 * Every address not kept (inactive, a user's second email or phone, VOICE/IN_APP/CUSTOM channels)
 * is listed in `dropped` by endpoint id.
 */
import type { EndpointResponse } from '@aws-sdk/client-pinpoint';
import { emptyProfile, type Profile, type TraitValue } from '../../profiles/schema.js';

export interface EndpointCounts {
  endpoints: number;
  profiles: number;
  byChannel: Record<string, number>;
  optedOut: number;
  inactive: number;
  /** Lines that were not endpoint JSON, with the reason. */
  rejected: { line: number; reason: string }[];
}

/** Why an endpoint's address is on no profile (the endpoint id only: addresses are PII). */
export type DropReason = 'no sadakat channel' | 'no address' | 'inactive' | 'another address of the user kept';

export interface EndpointConversion {
  profiles: Profile[];
  counts: EndpointCounts;
  /** Every endpoint whose address was not kept, with the reason: with the profiles, all endpoints are accounted for. */
  dropped: { endpointId: string; channelType: string; reason: DropReason }[];
}

const PUSH_PLATFORMS: Record<string, 'ios' | 'android'> = {
  APNS: 'ios',
  APNS_SANDBOX: 'ios',
  APNS_VOIP: 'ios',
  APNS_VOIP_SANDBOX: 'ios',
  GCM: 'android',
  BAIDU: 'android',
};

/** Parses the NDJSON text; a bad line is counted as rejected, never a stack trace. */
export function parseEndpoints(text: string): {
  endpoints: EndpointResponse[];
  rejected: { line: number; reason: string }[];
} {
  const endpoints: EndpointResponse[] = [];
  const rejected: { line: number; reason: string }[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      rejected.push({ line: index + 1, reason: 'not JSON' });
      return;
    }
    if (typeof value !== 'object' || value === null || typeof (value as { Id?: unknown }).Id !== 'string') {
      rejected.push({ line: index + 1, reason: 'Id: expected the endpoint id (a string)' });
      return;
    }
    endpoints.push(value as EndpointResponse);
  });
  return { endpoints, rejected };
}

export function endpointsToProfiles(endpoints: readonly EndpointResponse[], at: string): EndpointConversion {
  const counts: EndpointCounts = {
    endpoints: endpoints.length,
    profiles: 0,
    byChannel: {},
    optedOut: 0,
    inactive: 0,
    rejected: [],
  };
  const profiles = new Map<string, Profile>();
  const dropped: EndpointConversion['dropped'] = [];
  for (const endpoint of endpoints) {
    const id = endpoint.User?.UserId || (endpoint.Id as string);
    const profile = profiles.get(id) ?? emptyProfile(id, endpoint.CreationDate ?? at);
    profiles.set(id, profile);
    const since = endpoint.EffectiveDate ?? endpoint.CreationDate ?? at;
    const inactive = endpoint.EndpointStatus === 'INACTIVE';
    const optedOut = endpoint.OptOut === 'ALL';
    if (inactive) counts.inactive += 1;
    if (optedOut) counts.optedOut += 1;
    const channelType = endpoint.ChannelType ?? '';
    counts.byChannel[channelType] = (counts.byChannel[channelType] ?? 0) + 1;
    const channel =
      channelType === 'EMAIL'
        ? 'email'
        : channelType === 'SMS'
          ? 'sms'
          : PUSH_PLATFORMS[channelType]
            ? 'push'
            : undefined;
    const drop = (reason: DropReason): void =>
      void dropped.push({ endpointId: endpoint.Id as string, channelType, reason });
    if (!channel) drop('no sadakat channel');
    else if (!endpoint.Address) drop('no address');
    if (channel && endpoint.Address) {
      const address = endpoint.Address;
      if (channel === 'push') {
        // The same device token on two endpoints of a user is one device.
        if (!profile.channels.push.some((device) => device.token === address))
          profile.channels.push.push({
            token: address,
            platform: PUSH_PLATFORMS[channelType] as 'ios' | 'android',
            enabled: !inactive && !optedOut,
            at: since,
          });
      } else if (inactive) drop('inactive');
      else {
        // The first active address of a user is kept; a later different one is reported.
        const field = channel === 'email' ? 'email' : 'phone';
        const kept = profile.channels[field];
        if (kept === undefined) profile.channels[field] = address;
        else if (kept !== address) drop('another address of the user kept');
      }
      // A refusal on any endpoint of the channel wins: never send to someone who opted out.
      const previous = profile.consent[channel];
      if (optedOut || previous?.granted !== false) profile.consent[channel] = { granted: !optedOut, at: since };
    }
    const locale = endpoint.Demographic?.Locale;
    if (locale && !profile.locale) profile.locale = locale.replace('_', '-');
    if (endpoint.Demographic?.Timezone && !profile.timezone) profile.timezone = endpoint.Demographic.Timezone;
    const location = endpoint.Location;
    setTrait(profile, 'city', location?.City);
    setTrait(profile, 'country', location?.Country);
    setTrait(profile, 'postalCode', location?.PostalCode);
    setTrait(profile, 'region', location?.Region);
    for (const [key, values] of Object.entries(endpoint.User?.UserAttributes ?? {})) {
      if (key === 'FirstName') profile.name.first ??= values[0];
      else if (key === 'LastName') profile.name.last ??= values[0];
      else setTrait(profile, key, values.join(','));
    }
    for (const [key, values] of Object.entries(endpoint.Attributes ?? {})) setTrait(profile, key, values.join(','));
    for (const [key, value] of Object.entries(endpoint.Metrics ?? {})) setTrait(profile, key, value);
  }
  counts.profiles = profiles.size;
  return { profiles: [...profiles.values()], counts, dropped };
}

function setTrait(profile: Profile, key: string, value: TraitValue | undefined): void {
  if (value === undefined || value === '' || key in profile.traits) return;
  profile.traits[key] = value;
}
