/** serve's trace: which times and decision each event's line carries. */
import { describe, expect, it } from 'vitest';
import { sendMessageId, type SendRequest } from '../../../shared/channels/send-request.js';
import { EventTrace, type TraceLine } from '../../../shared/local/event-trace.js';

function tracer(): { trace: EventTrace; lines: TraceLine[]; setNow(ms: number): void; sent: SendRequest[][] } {
  const lines: TraceLine[] = [];
  let now = 0;
  const sent: SendRequest[][] = [];
  const trace = new EventTrace(
    (line) => lines.push(line),
    () => now,
  );
  return { trace, lines, setNow: (ms) => (now = ms), sent };
}

function request(customerId: string, stepId: string): SendRequest {
  return {
    messageId: sendMessageId('welcome-series', `run-${customerId}`, stepId, 0),
    customerId,
    journeyId: 'welcome-series',
    runId: `run-${customerId}`,
    stepId,
    visit: 0,
    holdout: false,
    channel: 'email',
    fallback: [],
    template: 'welcome',
    vars: {},
    transactional: false,
    requestedAt: new Date(0).toISOString(),
  };
}

describe('event trace', () => {
  it('ends an event that queued no send with decision none at its first profile write', () => {
    // Prepare
    const { trace, lines, setNow } = tracer();
    trace.received(['m1'], 100);
    setNow(130);
    trace.profileWritten('c1');
    setNow(150);
    trace.profileWritten('c1');

    // Act
    setNow(170);
    trace.processed({ customerId: 'c1', eventMessageId: 'm1' });

    // Assess
    expect(lines).toEqual([{ messageId: 'm1', receivedAt: 100, profileAt: 130, decisionAt: 130, decision: 'none' }]);
  });

  it('keeps an event that queued a send open until the send handler decides it', async () => {
    // Prepare
    const { trace, lines, setNow, sent } = tracer();
    const queue = trace.sendQueue({ enqueue: async (requests) => void sent.push([...requests]) });
    const welcome = request('c1', 'welcome');
    trace.received(['m1'], 100);
    await queue.enqueue([welcome]);
    setNow(140);
    trace.processed({ customerId: 'c1', eventMessageId: 'm1' });
    const beforeDecision = lines.length;

    // Act
    setNow(260);
    trace.decided(welcome, { reason: 'sent' });

    // Assess
    expect(beforeDecision).toBe(0);
    expect(sent).toEqual([[welcome]]);
    expect(lines).toEqual([{ messageId: 'm1', receivedAt: 100, profileAt: 140, decisionAt: 260, decision: 'sent' }]);
  });

  it('counts a decision made before the event finished processing', async () => {
    // Prepare
    const { trace, lines, setNow } = tracer();
    const queue = trace.sendQueue({ enqueue: async () => undefined });
    const welcome = request('c1', 'welcome');
    trace.received(['m1'], 100);
    await queue.enqueue([welcome]);
    setNow(120);
    trace.decided(welcome, { reason: 'frequency_cap' });

    // Act
    setNow(140);
    trace.processed({ customerId: 'c1', eventMessageId: 'm1' });

    // Assess
    expect(lines).toEqual([
      { messageId: 'm1', receivedAt: 100, profileAt: 140, decisionAt: 140, decision: 'frequency_cap' },
    ]);
  });

  it('does not give an event the sends queued by a wake for the same customer', async () => {
    // Prepare
    const { trace, lines, setNow } = tracer();
    const queue = trace.sendQueue({ enqueue: async () => undefined });
    const tips = request('c1', 'tips');
    await queue.enqueue([tips]);
    trace.processed({ customerId: 'c1' });
    trace.received(['m2'], 300);

    // Act
    setNow(320);
    trace.processed({ customerId: 'c1', eventMessageId: 'm2' });
    trace.decided(tips, { reason: 'sent' });

    // Assess
    expect(lines).toEqual([{ messageId: 'm2', receivedAt: 300, profileAt: 320, decisionAt: 320, decision: 'none' }]);
    expect(trace.open).toBe(0);
  });
});
