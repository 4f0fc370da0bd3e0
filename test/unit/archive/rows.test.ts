/**
 * The archive's allow-list (issue 23, "Privacy by design"): whatever a caller hides in traits,
 * properties, names, ids or page URLs, no email address or phone number reaches a row, and every
 * id is a pseudonym under the customer's own key.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_COLUMNS } from '../../../shared/archive/columns.js';
import { newArchiveKey, pseudonym, Pseudonyms } from '../../../shared/archive/pseudonym.js';
import { decisionRow, engagementRow, eventRow } from '../../../shared/archive/rows.js';
import { looksPersonal, pagePath, REDACTED } from '../../../shared/archive/scrub.js';
import type { NormalizedEvent } from '../../../shared/events/event.js';
import type { EventSource } from '../../../shared/events/messages.js';

const EMAIL = 'ayse.yilmaz@example.com';
const PHONE = '+905321234567';
const SOURCE: EventSource = { keyId: 'browser-1', scope: 'browser', verified: false };

function event(overrides: Partial<NormalizedEvent>): NormalizedEvent {
  return {
    type: 'track',
    messageId: 'm-1',
    userId: 'u-1',
    properties: {},
    traits: {},
    context: {},
    timestamp: '2026-11-02T10:00:00.000Z',
    receivedAt: '2026-11-02T10:00:01.000Z',
    ...overrides,
  };
}

/** Every way an address could survive into a row: raw, URL-encoded, in digits. */
function leaks(row: unknown): string[] {
  const text = JSON.stringify(row);
  const found = [EMAIL, encodeURIComponent(EMAIL), 'ayse.yilmaz', '5321234567', '532 123 45 67', '0532'].filter(
    (needle) => text.includes(needle),
  );
  if (text.includes('@')) found.push('@');
  return found;
}

describe('archive rows: the allow-list', () => {
  it('leaves out addresses an identify carries in traits, free-text traits, names and device tokens', () => {
    // Prepare
    const identify = event({
      type: 'identify',
      traits: {
        email: EMAIL,
        phone: PHONE,
        firstName: 'Ayşe',
        bio: `call me on ${PHONE} or write to ${EMAIL}`,
        comment: 'my survey comment with my address',
        consent: { email: true, sms: false },
      },
      context: { locale: EMAIL, timezone: 'Europe/Istanbul', device: { token: 'apns-token-secret', type: 'ios' } },
    });
    // Act
    const row = eventRow({ event: identify, source: SOURCE, customerId: 'u-1', ids: new Pseudonyms(newArchiveKey()) });
    // Assess
    expect(leaks(row)).toEqual([]);
    expect(JSON.stringify(row)).not.toMatch(/Ayşe|apns-token-secret|survey comment/);
    expect(row).toMatchObject({
      has_email: true,
      has_phone: true,
      consent_email: true,
      consent_sms: false,
      device_type: 'ios',
      timezone: 'Europe/Istanbul',
      locale: REDACTED,
    });
    expect(Object.keys(row)).toEqual(ARCHIVE_COLUMNS.events.map((column) => column.name));
  });

  it('scrubs addresses hidden in event names, product ids, categories, currency and product lines', () => {
    // Prepare
    const hostile = event({
      event: `Viewed by ${EMAIL}`,
      properties: {
        product_id: PHONE,
        category: `ayse.yilmaz%40example.com`,
        currency: EMAIL,
        products: [{ product_id: EMAIL, category: '0532 123 45 67', price: 10, quantity: 1 }],
        email: EMAIL,
        note: PHONE,
      },
    });
    // Act
    const row = eventRow({ event: hostile, source: SOURCE, customerId: 'u-1', ids: new Pseudonyms(newArchiveKey()) });
    // Assess
    expect(leaks(row)).toEqual([]);
    expect(row).toMatchObject({ event: REDACTED, product_id: REDACTED, category: REDACTED, currency: REDACTED });
  });

  it('keeps a survey score and a complaint id as a pseudonym, never the comment (issue 22 events)', () => {
    const key = newArchiveKey();
    const survey = eventRow({
      event: event({
        event: 'Survey Answered',
        properties: { survey_id: 'nps', score: 3, comment: `awful, write me at ${EMAIL}`, order_id: 'ORD-9' },
      }),
      source: SOURCE,
      customerId: 'u-1',
      ids: new Pseudonyms(key),
    });
    const complaint = eventRow({
      event: event({
        event: 'Complaint Opened',
        properties: { complaint_id: 'T-77', category: 'delivery', channel: 'call_center', note: PHONE },
      }),
      source: SOURCE,
      customerId: 'u-1',
      ids: new Pseudonyms(key),
    });
    expect(leaks([survey, complaint])).toEqual([]);
    expect(JSON.stringify(survey)).not.toContain('awful');
    expect(survey).toMatchObject({ survey_id: 'nps', score: 3, order_id: pseudonym(key, 'order', 'ORD-9') });
    expect(complaint).toMatchObject({
      complaint_id: pseudonym(key, 'complaint', 'T-77'),
      category: 'delivery',
      complaint_channel: 'call_center',
    });
  });

  it('keeps only the path of a page URL, and scrubs a path that names an address', () => {
    expect(pagePath(`https://shop.example/checkout/thanks?email=${encodeURIComponent(EMAIL)}&phone=${PHONE}#top`)).toBe(
      '/checkout/thanks',
    );
    expect(pagePath(`/account/${EMAIL}/orders`)).toBe(REDACTED);
    expect(pagePath('/account/0532-123-45-67')).toBe(REDACTED);
    const page = event({
      type: 'page',
      event: 'Thanks',
      properties: {
        url: `https://shop.example/t?e=${EMAIL}`,
        referrer: `https://mail.example/?to=${EMAIL}`,
        search: `?q=${PHONE}`,
      },
    });
    const row = eventRow({ event: page, source: SOURCE, customerId: 'u-1', ids: new Pseudonyms(newArchiveKey()) });
    expect(leaks(row)).toEqual([]);
    expect(row.page_path).toBe('/t');
  });

  it('never archives an address, however it is wrapped in a property or trait (property)', () => {
    const address = fc.constantFrom(EMAIL, encodeURIComponent(EMAIL), PHONE, '0532 123 45 67', '(0532) 123-4567');
    // Text around the address, without digits (digits glued to a number make another number).
    const around = fc.string({ maxLength: 8 }).map((text) => text.replace(/\d/g, ''));
    const wrapped = fc.tuple(around, address, around).map(([a, b, c]) => `${a}${b}${c}`);
    fc.assert(
      fc.property(
        wrapped,
        fc.constantFrom('event', 'product_id', 'category', 'currency', 'url', 'locale'),
        (text, where) => {
          const hostile = event({
            type: where === 'url' ? 'page' : 'track',
            event: where === 'event' ? text : 'Product Viewed',
            properties: { [where === 'url' ? 'url' : where]: where === 'url' ? `https://x.example/${text}` : text },
            context: where === 'locale' ? { locale: text } : {},
            traits: { email: text },
          });
          const row = eventRow({
            event: hostile,
            source: SOURCE,
            customerId: 'u-1',
            ids: new Pseudonyms(newArchiveKey()),
          });
          return leaks(row).length === 0;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('archives ids as pseudonyms under the customer key: stable for one key, different under another', () => {
    // Prepare
    const key = newArchiveKey();
    const order = event({
      event: 'Order Completed',
      userId: 'u-1',
      anonymousId: 'anon-7',
      properties: { order_id: 'ORD-100', revenue: '120.50', currency: 'try' },
    });
    // Act
    const row = eventRow({ event: order, source: SOURCE, customerId: 'u-1', ids: new Pseudonyms(key) });
    const again = eventRow({ event: order, source: SOURCE, customerId: 'u-1', ids: new Pseudonyms(key) });
    const other = eventRow({ event: order, source: SOURCE, customerId: 'u-1', ids: new Pseudonyms(newArchiveKey()) });
    // Assess
    expect(row).toEqual(again);
    expect(row).toMatchObject({
      customer: pseudonym(key, 'customer', 'u-1'),
      order_id: pseudonym(key, 'order', 'ORD-100'),
      event_id: pseudonym(key, 'message', 'm-1'),
      anonymous_id: pseudonym(key, 'anonymous', 'anon-7'),
      revenue: 120.5,
      currency: 'TRY',
    });
    expect(JSON.stringify(row)).not.toMatch(/u-1|ORD-100|anon-7|"m-1"/);
    expect(other.customer).not.toBe(row.customer);
  });

  it('leaves ids out (null) when the profile has no archive key yet', () => {
    const row = eventRow({ event: event({}), source: SOURCE, customerId: 'u-1', ids: new Pseudonyms(undefined) });
    expect(row).toMatchObject({ customer: null, event_id: null, type: 'track' });
  });

  it('writes a decision with its reason and pseudonymous message, run and provider ids', () => {
    const key = newArchiveKey();
    const row = decisionRow({
      request: {
        messageId: 'a'.repeat(64),
        customerId: 'u-1',
        journeyId: 'welcome',
        runId: 'run-u-1',
        stepId: 'hello',
        visit: 0,
        variant: 'b',
        holdout: false,
        channel: 'email',
        fallback: [],
        template: 'welcome',
        vars: { coupon: EMAIL },
        transactional: false,
        requestedAt: '2026-11-02T10:00:00.000Z',
      },
      outcome: { kind: 'done', reason: 'sent', channel: 'email', providerMessageId: 'ses-1' },
      ids: new Pseudonyms(key),
      decidedAt: '2026-11-02T10:00:02.000Z',
    });
    expect(row).toMatchObject({
      reason: 'sent',
      journey_id: 'welcome',
      step_id: 'hello',
      variant: 'b',
      message_id: pseudonym(key, 'message', 'a'.repeat(64)),
      provider_message_id: pseudonym(key, 'provider', 'ses-1'),
      run_id: pseudonym(key, 'run', 'run-u-1'),
    });
    expect(leaks(row)).toEqual([]);
  });

  it('writes engagement with the message pseudonym the decision has', () => {
    const key = newArchiveKey();
    const row = engagementRow({
      type: 'opened',
      messageId: 'a'.repeat(64),
      channel: 'email',
      journeyId: 'welcome',
      runId: 'run-u-1',
      stepId: 'hello',
      at: '2026-11-02T11:00:00.000Z',
      customerId: 'u-1',
      ids: new Pseudonyms(key),
    });
    expect(row.message_id).toBe(pseudonym(key, 'message', 'a'.repeat(64)));
    expect(Object.keys(row)).toEqual(ARCHIVE_COLUMNS.engagement.map((column) => column.name));
  });

  it('does not take ordinary product ids, barcodes, dates and amounts for addresses', () => {
    for (const text of ['sku-005', '8690000000012', '2026-12-07', '12.50', 'Order Completed', '/checkout/thanks'])
      expect(looksPersonal(text), text).toBe(false);
  });

  it('finds numbers written in other scripts’ digits, which the digit check before the finder counts', () => {
    for (const text of ['０５３２ １２３ ４５ ６７', '٠٥٣٢ ١٢٣ ٤٥ ٦٧']) expect(looksPersonal(text), text).toBe(true);
  });
});
