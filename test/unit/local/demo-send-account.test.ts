/** The demo's send accounting (issue 18): every queued send ends as sent, not sent with a reason, or pending. */
import { describe, expect, it } from 'vitest';
import type { SendRequest } from '../../../shared/channels/send-request.js';
import { DemoStats, sendKey } from '../../../shared/local/demo/demo-stats.js';

const request = (customerId: string): SendRequest => ({
  // One scheduled slot's sends share their message id across customers.
  messageId: 'slot-message',
  customerId,
  journeyId: 'win-back',
  runId: 'slot-run',
  stepId: 'offer',
  visit: 1,
  holdout: false,
  channel: 'push',
  fallback: ['email'],
  template: 'win-back',
  vars: {},
  transactional: false,
  requestedAt: '2026-11-02T07:00:00.000Z',
});

describe('demo send accounting', () => {
  it('follows each customer’s request to its end, pending ones from the queue and the deferral table', () => {
    // Prepare
    const stats = new DemoStats({ now: () => new Date('2026-11-02T07:00:00Z') });
    const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map(request) as [
      SendRequest,
      SendRequest,
      SendRequest,
      SendRequest,
      SendRequest,
    ];
    stats.queued([a, b, c, d, e]);

    // Act
    stats.decided(a, { kind: 'done', reason: 'sent', channel: 'push' });
    stats.decided(a, { kind: 'done', reason: 'duplicate', channel: 'push' });
    stats.decided(b, { kind: 'done', reason: 'no_consent', channel: 'push' });
    stats.decided(c, {
      kind: 'done',
      reason: 'deferred',
      channel: 'email',
      wakeAt: '2026-11-02T09:00:00.000Z',
      cause: 'quiet_hours',
    });
    const accounts = stats.accounts(
      ['win-back'],
      { queued: [sendKey(d)], deferred: new Map([[sendKey(c), '2026-11-02T09:00:00.000Z']]), deadLettered: [] },
      '2026-11-02T08:00:00.000Z',
    );

    // Assess: e is in neither the queue nor the table: lost, and said so.
    expect(accounts['win-back']).toEqual({
      queued: 5,
      sent: 1,
      refused: { no_consent: 1 },
      pending: [
        { customerId: 'd', stepId: 'offer', why: 'queued', dueAt: '2026-11-02T08:00:00.000Z' },
        { customerId: 'c', stepId: 'offer', why: 'deferred', dueAt: '2026-11-02T09:00:00.000Z' },
      ],
      unaccounted: 1,
    });
  });
});
