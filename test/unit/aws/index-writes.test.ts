/**
 * The index writes DynamoDB bills beside a table write (issue 19, decision 236): what the write
 * meter adds for the `due`, `expiry`, `audience` and `customers` indexes.
 */
import { describe, expect, it } from 'vitest';
import { deletedKeyIndexWrites, indexChanges, indexWrites, itemAfterUpdate } from '../../../shared/aws/index-writes.js';

const profile = {
  PK: 'C#u1',
  SK: 'PROFILE',
  version: 3,
  p1: new Uint8Array([1, 2, 3]),
  expiryPK: 'EXPIRY#04',
  nextExpiryAt: '2026-12-09T00:00:00.000Z',
  customersPK: 'CUSTOMERS#04',
  id: 'u1',
  orders: { count: 1 },
};

const waitingRun = {
  PK: 'C#u1',
  SK: 'J#welcome#r1',
  duePK: 'DUE#04',
  wakeAt: '2026-12-08T10:00:00.000Z',
  status: 'waiting',
  engaged: {},
  version: 0,
};

describe('index writes of one table write', () => {
  it('costs nothing when no index key or projected attribute changes', () => {
    // A profile rewritten with a new document and version: expiry is keys-only, customers projects neither.
    expect(indexWrites(profile, { ...profile, version: 4, p1: new Uint8Array([9]) })).toEqual({
      writes: 0,
      capacityUnits: 0,
    });
  });

  it('deletes and puts when an index key changes, puts when a projected attribute changes', () => {
    expect(indexWrites(profile, { ...profile, nextExpiryAt: '2026-12-10T00:00:00.000Z' })).toEqual({
      writes: 2,
      capacityUnits: 2,
    });
    expect(indexWrites(profile, { ...profile, orders: { count: 2 } })).toEqual({ writes: 1, capacityUnits: 1 });
  });

  it('puts an item entering an index, deletes one leaving it; an ALL index copies every change', () => {
    expect(indexWrites(undefined, waitingRun)).toEqual({ writes: 1, capacityUnits: 1 });
    expect(indexWrites(waitingRun, { ...waitingRun, engaged: { mail: { opened: 'x' } }, version: 1 })).toEqual({
      writes: 1,
      capacityUnits: 1,
    });
    const { duePK: _due, wakeAt: _wake, ...finished } = waitingRun;
    expect(indexWrites(waitingRun, { ...finished, status: 'completed' })).toEqual({ writes: 1, capacityUnits: 1 });
    expect(indexWrites({ ...finished }, { ...finished, version: 2 })).toEqual({ writes: 0, capacityUnits: 0 });
  });

  it("names what each write does to a run's due entry: enters, moves on a new wake time, is rewritten, leaves", () => {
    // Prepare
    const { duePK: _due, wakeAt: _wake, ...finished } = waitingRun;
    // Act
    const transitions = [
      indexChanges(undefined, waitingRun),
      indexChanges(waitingRun, { ...waitingRun, wakeAt: '2026-12-09T10:00:00.000Z', version: 1 }),
      indexChanges(waitingRun, { ...waitingRun, engaged: { mail: { opened: 'x' } }, version: 1 }),
      indexChanges(waitingRun, { ...finished, status: 'completed' }),
      indexChanges(finished, { ...finished, version: 2 }),
    ].map((changes) => changes.transitions);
    // Assess
    expect(transitions).toEqual([['due:enter'], ['due:move'], ['due:rewrite'], ['due:leave'], []]);
  });

  it('sizes the put by the projected item, in 1 KB units', () => {
    const big = { ...waitingRun, sent: { mail: 'x'.repeat(1500) } };
    expect(indexWrites(undefined, big)).toEqual({ writes: 1, capacityUnits: 2 });
  });

  it('works out the item after an update from its SET and REMOVE clauses; other forms count as changed', () => {
    const after = itemAfterUpdate(profile, {
      Key: { PK: 'C#u1', SK: 'PROFILE' },
      UpdateExpression: 'SET #version = :version, #expiryPK = :expiryPK REMOVE #customersPK, #orders',
      ExpressionAttributeNames: {
        '#version': 'version',
        '#expiryPK': 'expiryPK',
        '#customersPK': 'customersPK',
        '#orders': 'orders',
      },
      ExpressionAttributeValues: { ':version': 4, ':expiryPK': 'EXPIRY#04' },
    });
    expect(after).toMatchObject({ version: 4, expiryPK: 'EXPIRY#04', nextExpiryAt: profile.nextExpiryAt });
    expect(after).not.toHaveProperty('customersPK');
    // Left the customers index: one delete; expiry unchanged.
    expect(indexWrites(profile, after)).toEqual({ writes: 1, capacityUnits: 1 });
    const counted = itemAfterUpdate(profile, {
      Key: { PK: 'C#u1', SK: 'PROFILE' },
      UpdateExpression: 'SET #n = if_not_exists(#n, :zero) + :one',
      ExpressionAttributeNames: { '#n': 'nextExpiryAt' },
      ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
    });
    expect(indexWrites(profile, counted).writes).toBe(2);
  });

  it('counts a batch delete of a membership item as leaving the audience index', () => {
    expect(deletedKeyIndexWrites({ PK: 'C#u1', SK: 'AUD#vip' })).toEqual({ writes: 1, capacityUnits: 1 });
    expect(deletedKeyIndexWrites({ PK: 'C#u1', SK: 'O#1' })).toEqual({ writes: 0, capacityUnits: 0 });
  });
});
