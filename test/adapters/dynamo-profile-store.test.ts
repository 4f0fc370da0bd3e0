import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { CorruptProfileError, DynamoProfileStore } from '../../shared/aws/dynamo-profile-store.js';
import { expiryShardKey } from '../../shared/aws/table.js';
import { VersionConflictError } from '../../shared/ports.js';
import { emptyProfile, type Profile } from '../../shared/profiles/schema.js';
import {
  TABLE,
  conditionFailed,
  mockedDocumentClient,
  writtenProfileAttributes,
  writtenProfileItem,
} from './dynamo-mock.js';

const AT = '2026-11-02T10:00:00.000Z';

function profile(overrides: Partial<Profile> = {}): Profile {
  return { ...emptyProfile('c-1', AT), ...overrides };
}

describe('DynamoProfileStore', () => {
  let context: ReturnType<typeof mockedDocumentClient>;
  let store: DynamoProfileStore;

  beforeEach(() => {
    context = mockedDocumentClient();
    store = new DynamoProfileStore(context.doc, TABLE);
  });

  describe('putProfile', () => {
    it('creates a new profile at version 0, on the condition that none exists, asking for consumed capacity', async () => {
      // Prepare
      context.mock.on(UpdateCommand).resolves({ ConsumedCapacity: { TableName: TABLE, CapacityUnits: 1 } });

      // Act
      const { profile: written, receipt } = await store.putProfile(profile({ version: 7 }), undefined);

      // Assess
      expect(context.mock).toHaveReceivedCommandWith(UpdateCommand, {
        TableName: TABLE,
        Key: { PK: 'C#c-1', SK: 'PROFILE' },
        ConditionExpression: 'attribute_not_exists(PK) OR #ttl <= :nowSeconds',
        ReturnConsumedCapacity: 'TOTAL',
      });
      const input = context.mock.commandCalls(UpdateCommand)[0]!.args[0].input;
      expect(input.ExpressionAttributeValues?.[':version']).toBe(0);
      expect(input.ExpressionAttributeValues).not.toHaveProperty(':expected');
      expect(written.version).toBe(0);
      expect(receipt).toEqual({ capacityUnits: 1 });
    });

    it('updates an existing profile on the condition that its version is still the one read, writing the next version', async () => {
      // Prepare
      context.mock.on(UpdateCommand).resolves({});

      // Act
      const { profile: written } = await store.putProfile(profile({ version: 3 }), 3);

      // Assess
      const input = context.mock.commandCalls(UpdateCommand)[0]!.args[0].input;
      expect(input.ConditionExpression).toBe('#version = :expected');
      expect(input.ExpressionAttributeNames?.['#version']).toBe('version');
      expect(input.ExpressionAttributeValues).toMatchObject({ ':expected': 3, ':version': 4 });
      expect(written.version).toBe(4);
    });

    it('writes the whole profile as one UpdateItem: the compressed document of every defined attribute, the undefined optional ones removed', async () => {
      // Prepare
      context.mock.on(UpdateCommand).resolves({});
      const base = profile();
      const withTimezone = profile({
        timezone: 'Europe/Istanbul',
        orders: { ...base.orders, count: 1, revenue: 10, days: 1, firstAmount: 10, dayNumbers: [20000] },
      });

      // Act
      await store.putProfile(withTimezone, undefined);

      // Assess
      const input = context.mock.commandCalls(UpdateCommand)[0]!.args[0].input;
      const [setPart, removePart] = input.UpdateExpression!.split(' REMOVE ');
      expect(setPart).toContain('#document = :document');
      // What the `customers` index projects stays plain (the order summary and scores).
      expect(setPart).toContain('#orders = :orders');
      expect(input.ExpressionAttributeNames?.['#document']).toBe('p1');
      expect(input.ExpressionAttributeValues?.[':document']).toBeInstanceOf(Uint8Array);
      // Attributes an item written before the document kept plain are removed.
      expect(removePart?.split(', ')).toEqual(
        expect.arrayContaining(['#timezone', '#events', '#locale', '#rfm', '#clv', '#mergedInto', '#nextExpiryAt']),
      );
      const written = writtenProfileAttributes(input);
      expect(written.timezone).toBe('Europe/Istanbul');
      expect(written.orders).toEqual(withTimezone.orders);
      expect(written).not.toHaveProperty('locale');
      expect(written.version).toBe(0);
      expect(context.mock.commandCalls(UpdateCommand)).toHaveLength(1);
    });

    it('does not store attributes that are still at their empty default, and reads them back as that default', async () => {
      // Prepare
      context.mock.on(UpdateCommand).resolves({});
      const fresh = profile();

      // Act
      await store.putProfile(fresh, undefined);

      // Assess
      const input = context.mock.commandCalls(UpdateCommand)[0]!.args[0].input;
      const written = writtenProfileAttributes(input);
      for (const attribute of ['traits', 'refunds', 'cart', 'events', 'recent'])
        expect(written).not.toHaveProperty(attribute);
      const stored = { PK: 'C#c-1', SK: 'PROFILE', ...writtenProfileItem(input) };
      context.mock.on(GetCommand).resolves({ Item: stored });
      expect(await store.getProfile('c-1')).toEqual({ ...fresh, version: 0, archiveKey: expect.any(String) });
    });

    it('puts a profile with a next expiry into its shard of the sparse expiry index', async () => {
      // Prepare
      context.mock.on(UpdateCommand).resolves({});

      // Act
      await store.putProfile(profile({ nextExpiryAt: '2026-11-09T10:00:00.000Z' }), undefined);

      // Assess
      const input = context.mock.commandCalls(UpdateCommand)[0]!.args[0].input;
      expect(input.UpdateExpression).toContain('#expiryPK = :expiryPK');
      expect(input.UpdateExpression).toContain('#nextExpiryAt = :nextExpiryAt');
      expect(input.ExpressionAttributeValues).toMatchObject({
        ':expiryPK': expiryShardKey('c-1'),
        ':nextExpiryAt': '2026-11-09T10:00:00.000Z',
      });
    });

    it('takes a profile without a next expiry out of the expiry index', async () => {
      // Prepare
      context.mock.on(UpdateCommand).resolves({});

      // Act
      await store.putProfile(profile(), 0);

      // Assess
      const input = context.mock.commandCalls(UpdateCommand)[0]!.args[0].input;
      expect(input.UpdateExpression!.split(' REMOVE ')[1]?.split(', ')).toEqual(
        expect.arrayContaining(['#expiryPK', '#nextExpiryAt']),
      );
      expect(input.ExpressionAttributeValues).not.toHaveProperty(':expiryPK');
    });

    it('raises VersionConflictError when the condition fails', async () => {
      // Prepare
      context.mock.on(UpdateCommand).rejects(conditionFailed());

      // Act
      const write = store.putProfile(profile({ version: 2 }), 2);

      // Assess
      await expect(write).rejects.toBeInstanceOf(VersionConflictError);
      await expect(write).rejects.toMatchObject({ customerId: 'c-1', expectedVersion: 2 });
    });

    it('passes other errors through unchanged', async () => {
      // Prepare
      const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
      context.mock.on(UpdateCommand).rejects(throttled);

      // Act
      const write = store.putProfile(profile(), 0);

      // Assess
      await expect(write).rejects.toThrow('Rate exceeded');
    });
  });

  describe('getProfile', () => {
    it('reads the profile strongly consistently and strips the storage attributes', async () => {
      // Prepare
      const stored = profile({ nextExpiryAt: '2026-11-09T10:00:00.000Z' });
      context.mock.on(GetCommand).resolves({ Item: { PK: 'C#c-1', SK: 'PROFILE', expiryPK: 'EXP#3', ...stored } });

      // Act
      const read = await store.getProfile('c-1');

      // Assess
      expect(context.mock).toHaveReceivedCommandWith(GetCommand, {
        TableName: TABLE,
        Key: { PK: 'C#c-1', SK: 'PROFILE' },
        ConsistentRead: true,
      });
      expect(read).toEqual(stored);
    });

    it('answers undefined for a customer without a profile', async () => {
      // Prepare
      context.mock.on(GetCommand).resolves({});

      // Act
      const read = await store.getProfile('nobody');

      // Assess
      expect(read).toBeUndefined();
    });

    it('raises an error naming the customer and the field when the stored item does not match the schema', async () => {
      // Prepare
      context.mock
        .on(GetCommand)
        .resolves({ Item: { PK: 'C#c-1', SK: 'PROFILE', ...profile(), orders: { count: 'many' } } });

      // Act
      const read = store.getProfile('c-1');

      // Assess
      await expect(read).rejects.toBeInstanceOf(CorruptProfileError);
      await expect(read).rejects.toThrow(/customer c-1 .*orders\.count/);
    });

    it('raises a corrupt-profile error naming the document when it cannot be opened', async () => {
      // Prepare
      context.mock
        .on(GetCommand)
        .resolves({ Item: { PK: 'C#c-1', SK: 'PROFILE', version: 1, p1: new Uint8Array([1, 2, 3, 4]) } });

      // Act
      const read = store.getProfile('c-1');

      // Assess
      await expect(read).rejects.toBeInstanceOf(CorruptProfileError);
      await expect(read).rejects.toThrow(/customer c-1 .*p1: /);
    });
  });
});
