/**
 * Brute force on kept hashes (issue 17, "Erasure and hashes"): an attacker who reads the table
 * (a leaked backup, an export) or the admin-forget audit log tries every six-digit customer id
 * and a dictionary of addresses against what erasure and suppression keep. Real handlers
 * (ingest, process-events, admin-forget) on dynalite. Before the pepper, the tombstone key, the
 * audit line's hash and the suppression key were bare sha256: each fell to the loop below.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LambdaFunctionURLEventWithIAMAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildHandler as buildAdminForget } from '../../../functions/admin-forget.js';
import { unpackProfileItem } from '../../../shared/aws/profile-item-codec.js';
import { legacySuppressionHash, suppressionHash } from '../../../shared/channels/suppression-address.js';
import { apiGatewayEvent, structuredResult } from '../../../shared/local/api-gateway-event.js';
import { localLambdaContext } from '../../../shared/local/lambda-context.js';
import { customerHash, legacyCustomerHash } from '../../../shared/privacy/erasure-hashes.js';
import type { Pepper } from '../../../shared/privacy/pepper.js';
import { composeForgetDeps } from '../../../shared/wiring/compose.js';
import { type Spine, startSpine } from '../../e2e/spine-harness.js';

/** Six digits, as many shops number their customers. */
const CUSTOMER = '483920';
const EMAIL = 'ayse.yilmaz@example.com';
/**
 * The attacker's search space: 10,000 six-digit ids around the real one (the whole space is
 * 1,000,000 and takes about a second of sha256; a slice holding the id proves the same and keeps
 * the test cheap), and a dictionary of addresses holding the real one.
 */
const CANDIDATE_IDS = Array.from({ length: 10_000 }, (_, i) => String(480_000 + i));
const DICTIONARY = [
  ...['ali', 'ayse', 'mehmet', 'zeynep'].flatMap((first) =>
    ['yilmaz', 'kaya', 'demir'].flatMap((last) => [`${first}.${last}@example.com`, `${first}${last}@example.com`]),
  ),
];

/** Every 64-hex-digit string the attacker can read: in keys and values of every item, and in the audit log lines. */
function hashesIn(text: string): Set<string> {
  return new Set(text.match(/[0-9a-f]{64}/g) ?? []);
}

/** The attack: hash every candidate and look for it among the leaked hashes. */
function bruteForce(candidates: readonly string[], hash: (candidate: string) => string, leaked: Set<string>): string[] {
  return candidates.filter((candidate) => leaked.has(hash(candidate)));
}

describe('brute force on kept hashes (dynalite)', () => {
  let spine: Spine;
  let pepper: Pepper;
  let text: string;
  let leaked: Set<string>;

  beforeAll(async () => {
    spine = await startSpine('dynalite');
    pepper = spine.runtime.pepper;
    const at = spine.clock.now().toISOString();
    await spine.post('/v1/batch', {
      batch: [
        {
          type: 'identify',
          messageId: 'i-1',
          userId: CUSTOMER,
          timestamp: at,
          traits: { email: EMAIL, consent: { email: true, timestamp: at } },
        },
        {
          type: 'track',
          messageId: 'o-1',
          userId: CUSTOMER,
          event: 'Order Completed',
          timestamp: at,
          properties: { order_id: 'ord-1', revenue: 40 },
        },
      ],
    });
    await spine.drain();

    const logs: string[] = [];
    const logger = new Logger({ serviceName: 'admin-forget', logLevel: 'SILENT' });
    vi.spyOn(logger, 'info').mockImplementation((...args: unknown[]) => void logs.push(JSON.stringify(args)));
    const forget = buildAdminForget({ ...composeForgetDeps(spine.runtime.adapters), logger });
    const event = apiGatewayEvent({
      method: 'POST',
      path: '/',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: CUSTOMER, suppress: true }),
      at: spine.clock.now(),
    }) as unknown as LambdaFunctionURLEventWithIAMAuthorizer;
    const answer = structuredResult(await forget(event, localLambdaContext('admin-forget')));
    expect(answer.statusCode).toBe(200);

    const { Items = [] } = await spine.runtime.doc.send(new ScanCommand({ TableName: spine.runtime.tableName }));
    // Profiles opened (their compressed document), so the search sees what they hold.
    text = [...Items.map((item) => JSON.stringify(unpackProfileItem(item))), ...logs].join('\n');
    leaked = hashesIn(text);
  });
  afterAll(async () => {
    await spine?.stop();
  });

  it('erasure kept a tombstone and an audit line, and neither names the customer', () => {
    expect(text).toMatch(/FORGOTTEN#[0-9a-f]{64}/);
    expect(text).toMatch(/"customerHash":"[0-9a-f]{64}"/);
    expect(text).toMatch(/SUPPRESS#[0-9a-f]{64}/);
    expect(text).not.toContain(CUSTOMER);
    expect(text).not.toContain(EMAIL);
  });

  it('a six-digit id cannot be recovered from the tombstone or the audit line without the pepper', () => {
    // Act
    const withoutPepper = bruteForce(CANDIDATE_IDS, legacyCustomerHash, leaked);
    const withPepper = bruteForce(CANDIDATE_IDS, (id) => customerHash(pepper, id), leaked);

    // Assess: the same loop finds it at once when the hash is the bare sha256 the table kept before.
    expect(withoutPepper).toEqual([]);
    expect(withPepper).toEqual([CUSTOMER]);
    expect(bruteForce(CANDIDATE_IDS, legacyCustomerHash, new Set([legacyCustomerHash(CUSTOMER)]))).toEqual([CUSTOMER]);
  });

  it('a suppressed address cannot be recovered from its suppression key with a dictionary', () => {
    // Act
    const withoutPepper = bruteForce(DICTIONARY, legacySuppressionHash, leaked);
    const withPepper = bruteForce(DICTIONARY, (address) => suppressionHash(pepper, address), leaked);

    // Assess
    expect(withoutPepper).toEqual([]);
    expect(withPepper).toEqual([EMAIL]);
  });
});
