/**
 * TTL on the table's adapters (shared/aws/table-retention.ts): writers with a retention policy
 * stamp `ttl`, writers without one leave it alone, and every reader ignores items whose TTL has
 * passed but that DynamoDB has not deleted yet.
 */
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoJourneyStore } from '../../shared/aws/dynamo-journey-store.js';
import { DynamoProfileStore } from '../../shared/aws/dynamo-profile-store.js';
import { DynamoSendLedger } from '../../shared/aws/dynamo-send-ledger.js';
import { dynamoTableAdapters } from '../../shared/aws/dynamo-table-adapters.js';
import { loadCampaign } from '../../shared/config/campaign.js';
import { composeProcessDeps } from '../../shared/wiring/compose.js';
import { wrappedTable } from '../../shared/wiring/wrapped-table.js';
import { TEST_PEPPER } from '../fakes/test-pepper.js';
import type { TableRetention } from '../../shared/aws/table-retention.js';
import { defaultSettings } from '../../shared/config/settings.js';
import { newRun } from '../../shared/journeys/run.js';
import { DAY_MS, retentionPolicy } from '../../shared/privacy/retention.js';
import { emptyProfile } from '../../shared/profiles/schema.js';
import { journeyFrom } from '../unit/journeys/journey-builders.js';
import { mockedDocumentClient, TABLE } from './dynamo-mock.js';

const NOW = new Date('2026-12-07T04:00:00.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const PAST = NOW_SECONDS - 1;
const FUTURE = NOW_SECONDS + 3600;
const clock = { now: () => NOW };
const cart = journeyFrom(`id: cart
trigger: { event: Product Added }
entry: { reentry: { after: 7d } }
steps:
  - send: { channel: email, template: t }
`);
const withPolicy: TableRetention = { clock, policy: retentionPolicy(defaultSettings, [cart]) };
const readOnly: TableRetention = { clock };

describe('profiles', () => {
  let context: ReturnType<typeof mockedDocumentClient>;
  beforeEach(() => {
    context = mockedDocumentClient();
    context.mock.on(UpdateCommand).resolves({});
  });

  it('an anonymous profile gets a TTL 90 days on; a buyer has it removed', async () => {
    const store = new DynamoProfileStore(context.doc, TABLE, withPolicy);
    const anonymous = emptyProfile('anon:a1', NOW.toISOString());
    await store.putProfile(anonymous, 3);
    await store.putProfile({ ...anonymous, orders: { ...anonymous.orders, count: 1 } }, 4);
    const [first, second] = context.mock.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(first?.UpdateExpression).toMatch(/#ttl = :ttl/);
    expect(first?.ExpressionAttributeValues?.[':ttl']).toBe(NOW_SECONDS + 90 * 86_400);
    expect(second?.UpdateExpression).toMatch(/REMOVE .*#ttl/);
  });

  it('a writer without a policy leaves the TTL of an update alone, and clears it on a first write', async () => {
    const store = new DynamoProfileStore(context.doc, TABLE, readOnly);
    await store.putProfile(emptyProfile('anon:a1', NOW.toISOString()), 3);
    await store.putProfile(emptyProfile('anon:a1', NOW.toISOString()), undefined);
    const [update, first] = context.mock.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(update?.UpdateExpression).not.toMatch(/#ttl/);
    expect(first?.UpdateExpression).toMatch(/REMOVE .*#ttl/);
    // A first write may replace an item whose TTL has passed (the readers no longer see it).
    expect(first?.ConditionExpression).toBe('attribute_not_exists(PK) OR #ttl <= :nowSeconds');
    expect(first?.ExpressionAttributeValues?.[':nowSeconds']).toBe(NOW_SECONDS);
  });

  it('reads ignore a profile whose TTL has passed', async () => {
    const store = new DynamoProfileStore(context.doc, TABLE, readOnly);
    const stored = (id: string, ttl: number) => ({
      PK: `C#${id}`,
      SK: 'PROFILE',
      ...emptyProfile(id, NOW.toISOString()),
      ttl,
    });
    context.mock.on(GetCommand).resolves({ Item: stored('anon:old', PAST) });
    context.mock.on(BatchGetCommand).resolves({
      Responses: { [TABLE]: [stored('anon:old', PAST), stored('anon:new', FUTURE)] },
    });
    expect(await store.getProfile('anon:old')).toBeUndefined();
    expect([...(await store.getProfiles(['anon:old', 'anon:new'])).keys()]).toEqual(['anon:new']);
  });
});

describe('journey runs', () => {
  let context: ReturnType<typeof mockedDocumentClient>;
  beforeEach(() => {
    context = mockedDocumentClient();
    context.mock.on(PutCommand).resolves({});
  });

  it('an ended run of a repeatable journey gets a TTL; a waiting one does not', async () => {
    const store = new DynamoJourneyStore(context.doc, TABLE, withPolicy);
    const run = newRun('cart', 'r1', 'c1', false, NOW.toISOString());
    await store.putRun({ ...run, status: 'completed', endedAt: NOW.toISOString() }, 2);
    await store.putRun({ ...run, status: 'waiting', wakeAt: NOW.toISOString() }, 1);
    // The waiting run's own write comes after its wake's (which always carries a TTL)
    const [ended, , waiting] = context.mock.commandCalls(PutCommand).map((call) => call.args[0].input.Item);
    expect(ended?.ttl).toBe(NOW_SECONDS + 400 * 86_400);
    expect(waiting).toMatchObject({ SK: 'J#cart#r1', status: 'waiting' });
    expect(waiting).not.toHaveProperty('ttl');
  });

  it('listRuns ignores an expired run, so re-entry no longer sees it', async () => {
    const store = new DynamoJourneyStore(context.doc, TABLE, readOnly);
    const run = (runId: string, ttl: number) => ({
      PK: 'C#c1',
      SK: `J#cart#${runId}`,
      ...newRun('cart', runId, 'c1', false, NOW.toISOString()),
      status: 'completed',
      ttl,
    });
    context.mock.on(QueryCommand).resolves({ Items: [run('old', PAST), run('new', FUTURE)] });
    expect((await store.listRuns('c1')).map((kept) => kept.runId)).toEqual(['new']);
  });
});

describe('send ledger', () => {
  const claim = {
    customerId: 'c1',
    messageId: 'm1',
    channel: 'email' as const,
    journeyId: 'cart',
    runId: 'r1',
    stepId: 's',
    claimedAt: NOW.toISOString(),
  };

  it('a claim expires historyDays after it was made, and may replace an expired entry', async () => {
    const context = mockedDocumentClient();
    context.mock.on(PutCommand).resolves({});
    await new DynamoSendLedger(context.doc, TABLE, withPolicy).claim(claim);
    const input = context.mock.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input?.Item?.ttl).toBe(Math.floor((NOW.getTime() + 400 * DAY_MS) / 1000));
    expect(input?.ConditionExpression).toBe('attribute_not_exists(PK) OR #ttl <= :nowSeconds');
  });

  it('find ignores an expired entry', async () => {
    const context = mockedDocumentClient();
    context.mock.on(GetCommand).resolves({ Item: { PK: 'C#c1', SK: 'M#m1', ...claim, status: 'sent', ttl: PAST } });
    expect(await new DynamoSendLedger(context.doc, TABLE, readOnly).find('c1', 'm1')).toBeUndefined();
  });
});

describe('composition', () => {
  it('process-events stamps TTLs through a wrapped profile store too (fault injection, tracing)', async () => {
    // Prepare: a counting wrapper, as the reliability harness and serve's tracing build them.
    const context = mockedDocumentClient();
    context.mock.on(UpdateCommand).resolves({});
    // The audience membership store reads the index state before its first write (no audience covered).
    context.mock.on(GetCommand).resolves({});
    const stored = dynamoTableAdapters(context.doc, TABLE, TEST_PEPPER, clock);
    let wrappedWrites = 0;
    const counting = (inner: typeof stored.profiles): typeof stored.profiles => ({
      getProfile: (id) => inner.getProfile(id),
      getProfiles: (ids) => inner.getProfiles(ids),
      putProfile: (profile, expected) => {
        wrappedWrites++;
        return inner.putProfile(profile, expected);
      },
    });

    // Act: the wrapper wraps the ports it is given, so it survives withRetention.
    const table = wrappedTable(stored, (ports) => ({ profiles: counting(ports.profiles) }));
    const deps = composeProcessDeps({ table, clock }, await loadCampaign('campaign'), null);
    await deps.profiles.putProfile(emptyProfile('anon:a1', NOW.toISOString()), 2);

    // Assess
    expect(wrappedWrites).toBe(1);
    const input = context.mock.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(input?.ExpressionAttributeValues?.[':ttl']).toBe(NOW_SECONDS + 90 * 86_400);
  });
});
