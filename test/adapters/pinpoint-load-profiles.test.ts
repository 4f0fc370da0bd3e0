/**
 * `sadakat import pinpoint --load --table`: imported profiles go to the AWS table through
 * DynamoProfileStore: batched reads (BatchGetItem, unprocessed keys resent), one conditional
 * UpdateItem per profile, existing profiles merged at their stored version.
 */
import { BatchGetCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoProfileStore } from '../../shared/aws/dynamo-profile-store.js';
import { loadProfiles } from '../../shared/migration/pinpoint/load-profiles.js';
import { emptyProfile, type Profile } from '../../shared/profiles/schema.js';
import { TABLE, conditionFailed, mockedDocumentClient, writtenProfileAttributes } from './dynamo-mock.js';

const AT = '2026-11-01T00:00:00.000Z';

function imported(id: string, overrides: Partial<Profile> = {}): Profile {
  return { ...emptyProfile(id, AT), ...overrides };
}

/** A stored profile item as the table holds it (storage defaults left out). */
function storedItem(id: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { PK: `C#${id}`, SK: 'PROFILE', id, createdAt: AT, updatedAt: AT, ...fields };
}

describe('loading imported profiles into the AWS table', () => {
  let context: ReturnType<typeof mockedDocumentClient>;
  let store: DynamoProfileStore;

  beforeEach(() => {
    context = mockedDocumentClient();
    store = new DynamoProfileStore(context.doc, TABLE);
  });

  it('reads the profiles with one BatchGetItem per 100 customers, consistently', async () => {
    // Prepare
    context.mock.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    context.mock.on(UpdateCommand).resolves({});
    const profiles = Array.from({ length: 150 }, (_, index) => imported(`u${index}`));

    // Act
    await loadProfiles(store, profiles, { concurrency: 8 });

    // Assess
    const reads = context.mock.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.[TABLE]);
    expect(reads.map((read) => read?.Keys?.length)).toEqual([100, 50]);
    expect(reads[0]?.ConsistentRead).toBe(true);
    expect(reads[0]?.Keys?.[0]).toEqual({ PK: 'C#u0', SK: 'PROFILE' });
  });

  it('creates a new customer with an UpdateItem conditioned on no profile existing', async () => {
    // Prepare
    context.mock.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    context.mock.on(UpdateCommand).resolves({});

    // Act
    const summary = await loadProfiles(store, [imported('u1', { channels: { email: 'a@example.com', push: [] } })], {
      concurrency: 1,
    });

    // Assess
    expect(summary).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect(context.mock).toHaveReceivedCommandWith(UpdateCommand, {
      TableName: TABLE,
      Key: { PK: 'C#u1', SK: 'PROFILE' },
      ConditionExpression: 'attribute_not_exists(PK) OR #ttl <= :nowSeconds',
    });
    const written = writtenProfileAttributes(context.mock.commandCalls(UpdateCommand)[0]!.args[0].input);
    expect(written).toMatchObject({ version: 0, channels: { email: 'a@example.com', push: [] } });
  });

  it('merges into an existing customer at its stored version, keeping its event data and writing the next version', async () => {
    // Prepare
    const events = { 'Order Completed': { lastAt: AT, count: 3, daily: {}, hourly: {} } };
    context.mock
      .on(BatchGetCommand)
      .resolves({ Responses: { [TABLE]: [storedItem('u1', { version: 5, traits: { Tier: 'gold' }, events })] } });
    context.mock.on(UpdateCommand).resolves({});

    // Act
    const summary = await loadProfiles(store, [imported('u1', { traits: { City: 'Izmir', Tier: 'silver' } })], {
      concurrency: 1,
    });

    // Assess
    expect(summary).toEqual({ created: 0, updated: 1, unchanged: 0 });
    const input = context.mock.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(input.ConditionExpression).toBe('#version = :expected');
    expect(input.ExpressionAttributeValues).toMatchObject({ ':expected': 5 });
    expect(writtenProfileAttributes(input)).toMatchObject({
      version: 6,
      traits: { Tier: 'gold', City: 'Izmir' },
      events,
    });
  });

  it('sends no write for a customer that already holds everything imported', async () => {
    // Prepare
    context.mock
      .on(BatchGetCommand)
      .resolves({ Responses: { [TABLE]: [storedItem('u1', { version: 5, traits: { City: 'Izmir' } })] } });

    // Act
    const summary = await loadProfiles(store, [imported('u1', { traits: { City: 'Izmir' } })], { concurrency: 1 });

    // Assess
    expect(summary).toEqual({ created: 0, updated: 0, unchanged: 1 });
    expect(context.mock).not.toHaveReceivedCommand(UpdateCommand);
  });

  it('resends the keys BatchGetItem left unprocessed, so a throttled existing customer is merged, not created', async () => {
    // Prepare
    context.mock
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [] },
        UnprocessedKeys: { [TABLE]: { Keys: [{ PK: 'C#u1', SK: 'PROFILE' }] } },
      })
      .resolves({ Responses: { [TABLE]: [storedItem('u1', { version: 2 })] } });
    context.mock.on(UpdateCommand).resolves({});

    // Act
    const summary = await loadProfiles(store, [imported('u1', { traits: { City: 'Izmir' } })], { concurrency: 1 });

    // Assess
    expect(context.mock).toHaveReceivedCommandTimes(BatchGetCommand, 2);
    expect(context.mock.commandCalls(BatchGetCommand)[1]!.args[0].input.RequestItems?.[TABLE]?.Keys).toEqual([
      { PK: 'C#u1', SK: 'PROFILE' },
    ]);
    expect(summary.updated).toBe(1);
    expect(context.mock.commandCalls(UpdateCommand)[0]!.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':expected': 2,
    });
  });

  it('re-reads and merges when an event created the customer between the batch read and the write', async () => {
    // Prepare
    context.mock.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [] } });
    context.mock.on(UpdateCommand).rejectsOnce(conditionFailed()).resolves({});
    context.mock.on(GetCommand).resolves({ Item: storedItem('u1', { version: 0, traits: { Seen: true } }) });

    // Act
    const summary = await loadProfiles(store, [imported('u1', { traits: { City: 'Izmir' } })], { concurrency: 1 });

    // Assess
    expect(summary).toEqual({ created: 0, updated: 1, unchanged: 0 });
    const retried = context.mock.commandCalls(UpdateCommand)[1]!.args[0].input;
    expect(retried.ConditionExpression).toBe('#version = :expected');
    expect(retried.ExpressionAttributeValues).toMatchObject({ ':expected': 0 });
    expect(writtenProfileAttributes(retried)).toMatchObject({ version: 1, traits: { Seen: true, City: 'Izmir' } });
  });
});
