/**
 * Peppered hashes keep old entries (DESIGN "Trust"): suppression entries and erasure tombstones
 * written before the pepper, under the bare sha256 keys, still suppress and still refuse replayed
 * orders afterwards — through the real ingest, process-events and send handlers on the embedded
 * engine. The legacy items are written exactly as the code before the change wrote them.
 */
import { createHash } from 'node:crypto';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateSet } from '../../shared/channels/render.js';
import type { SendResult } from '../../shared/channels/send-outcome.js';
import { defaultSettings } from '../../shared/config/settings.js';
import { startLocalSending, type LocalSending } from '../../shared/local/local-sending.js';
import { DynamoCustomerErasure } from '../../shared/aws/dynamo-customer-erasure.js';
import { forgetCustomer } from '../../shared/privacy/forget-customer.js';
import { consentingProfile, sendRequest, TEMPLATES } from '../unit/channels/send-harness.js';
import { startSpine, type Spine } from './spine-harness.js';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const LEGACY_AT = '2026-10-01T00:00:00.000Z';

describe('hashes written before the pepper', () => {
  let spine: Spine;
  let sending: LocalSending;
  const results: SendResult[] = [];

  beforeAll(async () => {
    spine = await startSpine('dynalite');
    spine.clock.set(new Date('2026-11-02T09:30:00Z'));
    sending = await startLocalSending(spine.runtime, {
      campaign: {
        settings: { ...defaultSettings, sender: { fromAddress: 'offers@example.com', fromName: 'Demo Shop' } },
        journeys: [],
      },
      templates: new TemplateSet(TEMPLATES),
      onResult: (_request, result) => results.push(result),
    });
    const put = (Item: Record<string, unknown>) =>
      spine.runtime.doc.send(new PutCommand({ TableName: spine.runtime.tableName, Item }));
    // As shared/aws/dynamo-suppression.ts and dynamo-customer-erasure.ts wrote them before the pepper.
    await put({
      PK: `SUPPRESS#${sha256('complained@example.com')}`,
      SK: 'SUPPRESS',
      reason: 'complaint',
      at: LEGACY_AT,
    });
    await put({ PK: `FORGOTTEN#${sha256('u-erased')}`, SK: `ERASED#${LEGACY_AT}`, erasedAt: LEGACY_AT });
    await put({
      PK: `FORGOTTEN#${sha256('u-erased')}`,
      SK: `ORDERHASH#${sha256('u-erased\u0000o-old').slice(0, 32)}`,
      erasedAt: LEGACY_AT,
    });
  }, 60_000);

  afterAll(async () => {
    await sending?.stop();
    await spine?.stop();
  });

  it('still suppresses an address suppressed under its bare sha256 key', async () => {
    // Prepare
    const profile = consentingProfile('c-legacy');
    profile.channels.email = 'Complained@Example.com';
    await spine.runtime.profiles.putProfile(profile, undefined);

    // Act
    await sending.sends.enqueue([sendRequest({ customerId: 'c-legacy', runId: 'c-legacy' })]);
    await sending.drain();

    // Assess
    expect(results.map((result) => (result.kind === 'done' ? result.reason : 'retry'))).toEqual(['suppressed']);
    expect(await sending.ses.emails()).toEqual([]);
  });

  it('still refuses a replayed order erased under the bare sha256 tombstone, and counts a new one', async () => {
    // Act
    const order = (messageId: string, orderId: string) => ({
      type: 'track',
      messageId,
      userId: 'u-erased',
      event: 'Order Completed',
      timestamp: '2026-11-02T09:00:00Z',
      properties: { order_id: orderId, revenue: 10 },
    });
    expect(
      (await spine.post('/v1/batch', { batch: [order('m-replay', 'o-old'), order('m-new', 'o-new')] })).statusCode,
    ).toBe(200);
    await spine.drain();

    // Assess
    expect((await spine.runtime.profiles.getProfile('u-erased'))?.orders).toMatchObject({ count: 1, revenue: 10 });
  });

  it('reports the erasure recorded under the bare sha256, and writes new tombstones under the peppered hash only', async () => {
    // Act
    const report = await forgetCustomer(
      {
        profiles: spine.runtime.profiles,
        identity: spine.runtime.identity,
        erasure: new DynamoCustomerErasure(spine.runtime.doc, spine.runtime.tableName),
        pepper: spine.runtime.pepper,
        clock: spine.clock,
      },
      { customerId: 'u-erased' },
    );

    // Assess
    expect(report.previousErasures).toEqual([LEGACY_AT]);
    const { Items = [] } = await spine.runtime.doc.send(new ScanCommand({ TableName: spine.runtime.tableName }));
    const partitions = new Set(Items.map((item) => String(item.PK)).filter((pk) => pk.startsWith('FORGOTTEN#')));
    expect(partitions.size).toBe(2);
    expect(partitions.has(`FORGOTTEN#${sha256('u-erased')}`)).toBe(true);
  });
});
