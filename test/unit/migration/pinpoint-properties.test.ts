/**
 * Properties of the Pinpoint converters over generated input: templates always convert to Liquid
 * that parses (or report what they left out, by line), and endpoint grouping accounts for every
 * endpoint's address.
 */
import type { EndpointResponse } from '@aws-sdk/client-pinpoint';
import fc from 'fast-check';
import { Liquid } from 'liquidjs';
import { describe, expect, it } from 'vitest';
import { endpointsToProfiles } from '../../../shared/migration/pinpoint/endpoints-to-profiles.js';
import { MigrationReport } from '../../../shared/migration/pinpoint/migration-report.js';
import { handlebarsToLiquid } from '../../../shared/migration/pinpoint/template-to-liquid.js';

const PATHS = [
  'User.UserAttributes.FirstName',
  'Attributes.CartValue',
  'User.UserId',
  'Metrics.visits',
  'Unknown.Path',
  'Attributes.x-y',
];
const FRAGMENTS = [
  '{{',
  '}}',
  '{{{',
  '}}}',
  '{%',
  '%}',
  '{',
  '}',
  '"',
  "'",
  '\n',
  ' ',
  '<p>',
  '</p>',
  '{{else}}',
  '{{/if}}',
  '{{/unless}}',
  '{{/each}}',
  '{{!-- note --}}',
  '{{}}',
  ...PATHS.flatMap((path) => [
    `{{${path}}}`,
    `{{ ${path} }}`,
    `{{{${path}}}}`,
    `{{#if ${path}}}`,
    `{{#unless ${path}}}`,
    `{{formatDate ${path} "MM/DD"}}`,
    `{{#each ${path}}}`,
  ]),
];

const handlebarsish = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 8 })), { maxLength: 40 })
  .map((parts) => parts.join(''));
const defaults = fc.dictionary(fc.constantFrom(...PATHS), fc.string({ maxLength: 6 }), { maxKeys: 3 });

// As `sadakat validate` parses templates (shared/config/template-syntax.ts), and as HTML is rendered.
const liquid = new Liquid({ strictFilters: true, strictVariables: true });
const liquidHtml = new Liquid({ strictFilters: true, strictVariables: true, outputEscape: 'escape' });

describe('Pinpoint template conversion over any Handlebars-like input', () => {
  it('never throws, and the Liquid it produces parses', () => {
    fc.assert(
      fc.property(handlebarsish, defaults, fc.boolean(), (source, fallback, html) => {
        const report = new MigrationReport();
        const output = handlebarsToLiquid(source, 'templates/t/html.liquid', fallback, report, html);
        (html ? liquidHtml : liquid).parse(output);
      }),
      { numRuns: 500 },
    );
  });

  it('reports what it left out with a line number inside the source', () => {
    fc.assert(
      fc.property(handlebarsish, defaults, (source, fallback) => {
        const report = new MigrationReport();
        handlebarsToLiquid(source, 'templates/t/text.liquid', fallback, report);
        const lines = source.split('\n').length;
        for (const finding of report.findings) {
          const line = Number(/^templates\/t\/text\.liquid:(\d+)$/.exec(finding.source)?.[1]);
          expect(line).toBeGreaterThanOrEqual(1);
          expect(line).toBeLessThanOrEqual(lines);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('renders text that holds no Handlebars tag back as it was, stray braces included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .array(fc.constantFrom('{', '{{', '{%', '%', 'a', ' ', '\n', '"'), { maxLength: 20 })
          .map((parts) => parts.join('')),
        async (text) => {
          const output = handlebarsToLiquid(text, 'templates/t/sms.liquid', {}, new MigrationReport());
          expect(await liquid.parseAndRender(output, {})).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps plain text (no braces) unchanged', () => {
    fc.assert(
      fc.property(
        fc.string().filter((text) => !/[{}]/.test(text)),
        (text) => {
          expect(handlebarsToLiquid(text, 'templates/t/sms.liquid', {}, new MigrationReport())).toBe(text);
        },
      ),
    );
  });
});

const CHANNEL_TYPES = [
  'EMAIL',
  'SMS',
  'APNS',
  'APNS_SANDBOX',
  'GCM',
  'BAIDU',
  'VOICE',
  'IN_APP',
  'CUSTOM',
  'ADM',
] as const;

/** Endpoints with distinct ids and distinct addresses (or none), users drawn from a small pool so several share one. */
const endpointsArbitrary = fc
  .uniqueArray(
    fc.record({
      Id: fc.string({ minLength: 1, maxLength: 6 }),
      ChannelType: fc.constantFrom(...CHANNEL_TYPES),
      EndpointStatus: fc.constantFrom('ACTIVE', 'INACTIVE', undefined),
      OptOut: fc.constantFrom('ALL', 'NONE', undefined),
      userId: fc.option(fc.constantFrom('u1', 'u2', 'u3', ''), { nil: undefined }),
      hasAddress: fc.boolean(),
    }),
    { selector: (endpoint) => endpoint.Id, maxLength: 30 },
  )
  .map((records) =>
    records.map(
      ({ userId, hasAddress, ...fields }, index): EndpointResponse => ({
        ...fields,
        ...(hasAddress ? { Address: `address-${index}` } : {}),
        ...(userId !== undefined ? { User: { UserId: userId } } : {}),
      }),
    ),
  );

describe('Pinpoint endpoint grouping over any endpoints', () => {
  it("puts every endpoint's address on exactly one profile, or lists the endpoint as dropped, never both", () => {
    fc.assert(
      fc.property(endpointsArbitrary, (endpoints) => {
        const { profiles, dropped } = endpointsToProfiles(endpoints, '2026-11-01T00:00:00.000Z');
        const droppedIds = dropped.map((item) => item.endpointId);
        expect(new Set(droppedIds).size).toBe(droppedIds.length);
        for (const endpoint of endpoints) {
          const holders = profiles.filter(
            (profile) =>
              endpoint.Address !== undefined &&
              [
                profile.channels.email,
                profile.channels.phone,
                ...profile.channels.push.map((device) => device.token),
              ].includes(endpoint.Address),
          );
          const isDropped = droppedIds.includes(endpoint.Id as string);
          expect({ id: endpoint.Id, holders: holders.length, isDropped }).toEqual({
            id: endpoint.Id,
            holders: isDropped ? 0 : 1,
            isDropped,
          });
          if (!isDropped) expect(holders[0]?.id).toBe(endpoint.User?.UserId || endpoint.Id);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('makes one profile per user id, and one per endpoint without a user', () => {
    fc.assert(
      fc.property(endpointsArbitrary, (endpoints) => {
        const { profiles, counts } = endpointsToProfiles(endpoints, '2026-11-01T00:00:00.000Z');
        const expected = new Set(endpoints.map((endpoint) => endpoint.User?.UserId || endpoint.Id));
        expect(profiles.map((profile) => profile.id).sort()).toEqual([...expected].sort());
        expect(counts.profiles).toBe(expected.size);
      }),
      { numRuns: 200 },
    );
  });
});
