import { describe, expect, it } from 'vitest';
import type { EndpointResponse } from '@aws-sdk/client-pinpoint';
import { endpointsToProfiles, parseEndpoints } from '../../../shared/migration/pinpoint/endpoints-to-profiles.js';
import { mergeImported } from '../../../shared/migration/pinpoint/load-profiles.js';
import { emptyProfile } from '../../../shared/profiles/schema.js';

const AT = '2026-11-01T00:00:00.000Z';
const endpoint = (fields: Partial<EndpointResponse> & { Id: string }): EndpointResponse => ({
  EffectiveDate: '2025-05-01T00:00:00Z',
  EndpointStatus: 'ACTIVE',
  OptOut: 'NONE',
  ...fields,
});

describe('Pinpoint endpoints → profiles', () => {
  it('groups the endpoints of one user into one profile with every channel', () => {
    const user = { UserId: 'u1', UserAttributes: { FirstName: ['Ayşe'], Tier: ['gold'] } };
    const { profiles } = endpointsToProfiles(
      [
        endpoint({
          Id: 'e1',
          ChannelType: 'EMAIL',
          Address: 'a@example.com',
          User: user,
          Demographic: { Timezone: 'Europe/Istanbul', Locale: 'tr_TR' },
        }),
        endpoint({ Id: 'e2', ChannelType: 'SMS', Address: '+905551112233', User: user }),
        endpoint({
          Id: 'e3',
          ChannelType: 'APNS',
          Address: 'token1',
          User: user,
          Attributes: { Interests: ['shoes', 'bags'] },
        }),
      ],
      AT,
    );
    expect(profiles).toHaveLength(1);
    expect(profiles[0]).toMatchObject({
      id: 'u1',
      name: { first: 'Ayşe' },
      timezone: 'Europe/Istanbul',
      locale: 'tr-TR',
      traits: { Tier: 'gold', Interests: 'shoes,bags' },
      channels: {
        email: 'a@example.com',
        phone: '+905551112233',
        push: [{ token: 'token1', platform: 'ios', enabled: true }],
      },
      consent: { email: { granted: true }, sms: { granted: true }, push: { granted: true } },
    });
  });

  it('records OptOut ALL as refused consent and keeps no address of an INACTIVE endpoint', () => {
    const { profiles, counts } = endpointsToProfiles(
      [
        endpoint({ Id: 'e1', ChannelType: 'EMAIL', Address: 'a@example.com', OptOut: 'ALL' }),
        endpoint({ Id: 'e2', ChannelType: 'SMS', Address: '+905550000000', EndpointStatus: 'INACTIVE' }),
      ],
      AT,
    );
    expect(profiles.find((profile) => profile.id === 'e1')?.consent.email?.granted).toBe(false);
    expect(profiles.find((profile) => profile.id === 'e2')?.channels.phone).toBeUndefined();
    expect(counts).toMatchObject({ endpoints: 2, profiles: 2, optedOut: 1, inactive: 1 });
  });

  it('lists each address it does not keep by endpoint id and reason, and keeps a device token once', () => {
    // Prepare
    const endpoints = [
      endpoint({ Id: 'e1', ChannelType: 'EMAIL', Address: 'first@example.com', User: { UserId: 'u1' } }),
      endpoint({ Id: 'e2', ChannelType: 'EMAIL', Address: 'second@example.com', User: { UserId: 'u1' } }),
      endpoint({ Id: 'e3', ChannelType: 'VOICE', Address: '+905551112233', User: { UserId: 'u1' } }),
      endpoint({
        Id: 'e4',
        ChannelType: 'SMS',
        Address: '+905559998877',
        EndpointStatus: 'INACTIVE',
        User: { UserId: 'u1' },
      }),
      endpoint({ Id: 'e5', ChannelType: 'APNS', Address: 'token-1', User: { UserId: 'u1' } }),
      endpoint({ Id: 'e6', ChannelType: 'APNS', Address: 'token-1', User: { UserId: 'u1' } }),
      endpoint({ Id: 'e7', ChannelType: 'SMS', User: { UserId: 'u1' } }),
    ];

    // Act
    const { profiles, dropped } = endpointsToProfiles(endpoints, AT);

    // Assess
    expect(dropped).toEqual([
      { endpointId: 'e2', channelType: 'EMAIL', reason: 'another address of the user kept' },
      { endpointId: 'e3', channelType: 'VOICE', reason: 'no sadakat channel' },
      { endpointId: 'e4', channelType: 'SMS', reason: 'inactive' },
      { endpointId: 'e7', channelType: 'SMS', reason: 'no address' },
    ]);
    expect(profiles[0]?.channels).toMatchObject({ email: 'first@example.com', push: [{ token: 'token-1' }] });
    expect(profiles[0]?.channels.push).toHaveLength(1);
  });

  it('counts a line that is not endpoint JSON as rejected with its line number', () => {
    const { endpoints, rejected } = parseEndpoints('{"Id":"e1"}\nnot json\n{"Address":"x"}\n');
    expect(endpoints).toHaveLength(1);
    expect(rejected).toEqual([
      { line: 2, reason: 'not JSON' },
      { line: 3, reason: 'Id: expected the endpoint id (a string)' },
    ]);
  });

  it('fills in only what an existing profile lacks when loading', () => {
    const existing = {
      ...emptyProfile('u1', AT),
      traits: { Tier: 'silver' },
      channels: { email: 'new@example.com', push: [] },
      version: 4,
    };
    const imported = {
      ...emptyProfile('u1', AT),
      traits: { Tier: 'gold', City: 'Izmir' },
      channels: { email: 'old@example.com', phone: '+905551112233', push: [] },
    };
    const merged = mergeImported(existing, imported);
    expect(merged).toMatchObject({
      version: 4,
      traits: { Tier: 'silver', City: 'Izmir' },
      channels: { email: 'new@example.com', phone: '+905551112233' },
    });
  });
});
