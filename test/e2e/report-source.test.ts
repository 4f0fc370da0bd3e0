/**
 * What the report reads back from a real engine: an order and its refund written by
 * process-events, a send-ledger entry with the delivery ses-feedback marked on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEngagementMarks } from '../../shared/aws/dynamo-engagement-marks.js';
import { readReportData } from '../../shared/aws/dynamo-report-source.js';
import { DynamoMessageStats } from '../../shared/aws/dynamo-message-stats.js';
import { DynamoSendLedger } from '../../shared/aws/dynamo-send-ledger.js';
import { DOCTOR_JOURNEY_ID, doctorCustomerId } from '../../shared/identity/doctor-customer.js';
import { availableEngines, startSpine, type Spine } from './spine-harness.js';

const call = (event: string, properties: Record<string, unknown>, messageId: string) => ({
  type: 'track',
  userId: 'u1',
  event,
  properties,
  messageId,
  timestamp: '2026-11-02T09:00:00.000Z',
});

describe.each(availableEngines())('readReportData on %s', (engine) => {
  let spine: Spine;
  beforeAll(async () => {
    spine = await startSpine(engine);
  }, 60_000);
  afterAll(async () => {
    await spine.stop();
  });

  it('reads orders with their ids, refunds per order and ledger entries with their engagement times', async () => {
    // Prepare: an 80.00 order refunded 20.00; one email of the journey, delivered twice over (the first time is kept).
    await spine.post('/v1/batch', {
      batch: [
        call('Order Completed', { order_id: 'o1', revenue: 80 }, 'e1'),
        call('Order Refunded', { order_id: 'o1', revenue: 20 }, 'e2'),
      ],
    });
    await spine.drain();
    const { doc, tableName } = spine.runtime;
    const ledger = new DynamoSendLedger(doc, tableName);
    await ledger.claim({
      customerId: 'u1',
      messageId: 'm1',
      channel: 'email',
      journeyId: 'vnb',
      runId: 'r1',
      stepId: 'mail',
      variant: 'discount',
      claimedAt: '2026-11-02T10:00:00.000Z',
    });
    await ledger.settle('u1', 'm1', 'sent', '2026-11-02T10:00:01.000Z');
    const marks = new DynamoEngagementMarks(doc, tableName);
    await marks.mark('u1', 'm1', 'delivered', '2026-11-02T10:00:05.000Z');
    await marks.mark('u1', 'm1', 'delivered', '2026-11-02T11:00:00.000Z');
    await marks.mark('u1', 'no-such-message', 'opened', '2026-11-02T11:00:00.000Z');

    // Act
    const data = await readReportData(doc, tableName, new Date('2026-11-03T00:00:00.000Z'));

    // Assess
    expect(data.orders).toEqual([{ customerId: 'u1', orderId: 'o1', at: '2026-11-02T09:00:00.000Z', amount: 80 }]);
    expect(data.refunds).toEqual([{ orderId: 'o1', at: '2026-11-02T09:00:00.000Z', amount: 20 }]);
    expect(data.messages).toEqual([
      {
        customerId: 'u1',
        journeyId: 'vnb',
        variant: 'discount',
        channel: 'email',
        status: 'sent',
        claimedAt: '2026-11-02T10:00:00.000Z',
        engaged: { delivered: '2026-11-02T10:00:05.000Z' },
      },
    ]);
  });

  it('leaves out `sadakat doctor` test customers and the doctor’s message counters', async () => {
    // Prepare: a doctor customer with an order and a sent, counted message.
    const doctor = doctorCustomerId('run9', 'success');
    await spine.post('/v1/batch', {
      batch: [{ ...call('Order Completed', { order_id: 'd1', revenue: 5 }, 'd1'), userId: doctor }],
    });
    await spine.drain();
    const { doc, tableName } = spine.runtime;
    await new DynamoSendLedger(doc, tableName).claim({
      customerId: doctor,
      messageId: 'dm1',
      channel: 'email',
      journeyId: DOCTOR_JOURNEY_ID,
      runId: 'run9',
      stepId: 'success',
      variant: 'run9',
      claimedAt: '2026-11-02T10:00:00.000Z',
    });
    await new DynamoMessageStats(doc, tableName).increment(
      { journeyId: DOCTOR_JOURNEY_ID, variant: 'run9', stepId: 'success', channel: 'email', metric: 'sent' },
      'dm1',
    );

    // Act
    const data = await readReportData(doc, tableName, new Date('2026-11-03T00:00:00.000Z'));

    // Assess
    const mentionsDoctor = JSON.stringify(data).includes('sadakat-doctor');
    expect(mentionsDoctor).toBe(false);
  });
});
