import { describe, expect, it } from 'vitest';
import { deliveryId, emailFate, FEEDBACK_RATES } from '../../shared/local/demo/offer-response.js';

describe('demo offer responses', () => {
  it('draws each customer of a scheduled slot on their own, though they share the message id', () => {
    // Prepare: a scheduled slot gives every customer the same message id.
    const messageId = 'win-back#schedule:2026-11-02T09:00#email-1#0';
    const customers = Array.from({ length: 400 }, (_, i) => `cust-${String(i).padStart(6, '0')}`);

    // Act
    const fates = customers.map((customerId) =>
      emailFate(1, deliveryId({ customerId, messageId }), 'vnb-discount', Date.UTC(2026, 10, 2, 9)),
    );

    // Assess: opens at about the configured rate, not all or nothing.
    const opened = fates.filter((fate) => fate.feedback.some((event) => event.kind === 'Open')).length;
    expect(opened / customers.length).toBeGreaterThan(FEEDBACK_RATES.open - 0.1);
    expect(opened / customers.length).toBeLessThan(FEEDBACK_RATES.open + 0.1);
    expect(new Set(customers.map((customerId) => deliveryId({ customerId, messageId }))).size).toBe(customers.length);
  });

  it('gives the same delivery the same fate, whatever order sends land in', () => {
    const delivery = deliveryId({ customerId: 'cust-000001', messageId: 'm-1' });
    expect(emailFate(7, delivery, 'vnb-reminder', 0)).toEqual(emailFate(7, delivery, 'vnb-reminder', 0));
  });
});
