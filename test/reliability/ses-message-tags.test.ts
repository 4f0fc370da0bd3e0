/**
 * Every customer id ingest accepts can be emailed (issue 16, 3): its SES message tags are
 * within SES's alphabet and length, and the SES event that comes back names the same customer.
 * Ids go through ingest's own normalizer, so "accepts" means what ingest accepts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessageTags, encodeMessageTags, TAG_VALUE_MAX } from '../../shared/channels/message-tags.js';
import { sesEventSchema } from '../../shared/channels/ses-feedback.js';
import { SEGMENT_LIMITS } from '../../shared/events/segment-api.js';
import { normalizeCall } from '../../shared/events/normalize.js';
import { anonymousCustomerId } from '../../shared/identity/customer-id.js';
import { fuzzRuns } from './fuzz-runs.js';

const RUNS = Math.max(1, Math.floor(fuzzRuns() / 5));
/** SES's rule for a tag name or value (API_MessageTag), and its limit of tags per message. */
const SES_TAG = /^[A-Za-z0-9_-]{1,256}$/;
const SES_MAX_TAGS = 50;
const AT = new Date('2026-12-07T10:00:00Z');

/** The customer id ingest gives a call carrying `id` as userId or as anonymousId, or undefined when it refuses it. */
function acceptedCustomerId(id: string | number, as: 'userId' | 'anonymousId'): string | undefined {
  const result = normalizeCall(
    { type: 'track', event: 'Viewed', [as]: id },
    { receivedAt: AT, newMessageId: () => 'generated' },
  );
  if (!result.ok) return undefined;
  return as === 'userId' ? result.event.userId : anonymousCustomerId(result.event.anonymousId ?? '');
}

const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
const hostileId = fc.oneof(
  // Any UTF-16 units, lone surrogates included (JSON's \ud800 arrives as one).
  fc.string({ unit: codeUnit, maxLength: SEGMENT_LIMITS.idLength }),
  // Multibyte text at the length limit: 4-byte emoji, 3-byte CJK, 2-byte Turkish.
  fc
    .array(fc.constantFrom('😀', '漢', 'ş', 'İ', '|', '@', '.', ':', '/', '+', '=', ' '), {
      minLength: 1,
      maxLength: SEGMENT_LIMITS.idLength,
    })
    .map((chars) => chars.join('').slice(0, SEGMENT_LIMITS.idLength)),
  fc.constantFrom(
    'ayse@example.com',
    'auth0|5f1c2d3e4f',
    'shop:123',
    '_starts-with-underscore',
    '_8looks-encoded',
    'x'.repeat(SEGMENT_LIMITS.idLength),
    '😀'.repeat(SEGMENT_LIMITS.idLength / 2),
  ),
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.integer(),
);

describe('SES message tags for every customer id ingest accepts', () => {
  it('stay within SES rules and decode back to the same id from an SES event', () => {
    fc.assert(
      fc.property(
        hostileId,
        fc.constantFrom('userId', 'anonymousId') as fc.Arbitrary<'userId' | 'anonymousId'>,
        (id, as) => {
          const customerId = acceptedCustomerId(id, as);
          fc.pre(customerId !== undefined);
          const sent = {
            customerId: customerId!,
            messageId: 'm'.repeat(64),
            journeyId: 'win-back',
            runId: `run:${customerId}`,
            stepId: 'first mail',
            variant: 'discount10',
          };

          const tags = encodeMessageTags(sent);

          expect(tags.length).toBeLessThanOrEqual(SES_MAX_TAGS);
          expect(new Set(tags.map((tag) => tag.Name)).size).toBe(tags.length);
          for (const tag of tags) {
            expect(tag.Name).toMatch(SES_TAG);
            expect(tag.Value).toMatch(SES_TAG);
            expect(tag.Value.length).toBeLessThanOrEqual(TAG_VALUE_MAX);
          }
          // What SES puts in the event's mail.tags, through the schema ses-feedback parses it with.
          const event = sesEventSchema.parse({
            eventType: 'Delivery',
            mail: {
              messageId: 'ses-1',
              timestamp: AT.toISOString(),
              destination: ['a@example.com'],
              tags: Object.fromEntries(tags.map((tag) => [tag.Name, [tag.Value]])),
            },
          });
          expect(decodeMessageTags(event.mail.tags)).toEqual(sent);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('passes SES-safe ids through unchanged and splits a long multibyte id across numbered tags', () => {
    // Act
    const plain = encodeMessageTags({ customerId: 'c-1_a', messageId: 'm', journeyId: 'j', runId: 'r', stepId: 's' });
    const long = encodeMessageTags({
      customerId: anonymousCustomerId('😀'.repeat(SEGMENT_LIMITS.idLength / 2)),
      messageId: 'm',
      journeyId: 'j',
      runId: 'r',
      stepId: 's',
    });

    // Assess
    expect(plain[0]).toEqual({ Name: 'customer', Value: 'c-1_a' });
    expect(long.filter((tag) => tag.Name.startsWith('customer')).map((tag) => tag.Name)).toEqual([
      'customer',
      'customer_1',
      'customer_2',
    ]);
  });
});
