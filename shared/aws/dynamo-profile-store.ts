/**
 * ProfileStore on the single table: `PK=C#<id>, SK=PROFILE`. Every write is one conditional
 * UpdateItem on `version` (optimistic concurrency; DESIGN "One writer per customer"), which also
 * keeps the sparse `expiry` index in step with `nextExpiryAt`. The profile is stored as one
 * compressed document beside the few attributes DynamoDB reads (profile-item-codec.ts).
 */
import {
  packProfileDocument,
  PLAIN_PROFILE_ATTRIBUTES,
  PROFILE_DOCUMENT_ATTRIBUTE,
  readStoredProfile,
  storedAttribute,
  unpackProfileItem,
} from './profile-item-codec.js';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { VersionConflictError, type ProfileStore, type WriteReceipt } from '../ports.js';
import { isDeepStrictEqual } from 'node:util';
import { emptyProfile, profileSchema, type Profile } from '../profiles/schema.js';
import { newArchiveKey } from '../archive/pseudonym.js';
import { batchGetItems } from './batch-get.js';
import { capacityUnits } from './capacity.js';
import { isConditionalCheckFailed } from './conditional-check.js';
import { scoredByRefresh } from '../analytics/refresh/scored-customers.js';
import { customersShardKey, expiryShardKey, profileKey, TTL_ATTRIBUTE, withoutStorageAttributes } from './table.js';
import type { TableRetention } from './table-retention.js';
import { ABSENT_OR_EXPIRED, absentOrExpiredValues, isKept, READ_ONLY_RETENTION } from './table-retention.js';

/** A stored profile that no longer matches the schema: a bug or a hand edit, never retried. */
export class CorruptProfileError extends Error {
  override readonly name = 'CorruptProfileError';
  constructor(
    readonly customerId: string,
    detail: string,
  ) {
    super(`stored profile of customer ${customerId} does not match the profile schema: ${detail}`);
  }
}

const PROFILE_ATTRIBUTES = Object.keys(profileSchema.shape) as (keyof Profile)[];

/**
 * Attributes still at their empty value (no traits, no refunds, an empty cart…) are not stored
 * and come back as these defaults on read: a new customer's profile then costs a few hundred
 * bytes, and a typical one stays under the 1 KB of one write unit (DESIGN "Profile" budget).
 */
const STORAGE_DEFAULTS: Partial<Profile> = (() => {
  const { id: _id, createdAt: _created, updatedAt: _updated, version: _version, ...defaults } = emptyProfile('', '');
  return defaults;
})();

function isStorageDefault(attribute: keyof Profile, value: unknown): boolean {
  return attribute in STORAGE_DEFAULTS && isDeepStrictEqual(STORAGE_DEFAULTS[attribute], value);
}

export class DynamoProfileStore implements ProfileStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retention: TableRetention = READ_ONLY_RETENTION,
  ) {}

  async getProfile(customerId: string): Promise<Profile | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: profileKey(customerId), ConsistentRead: true }),
    );
    // An expired anonymous profile DynamoDB has not deleted yet is gone for every reader.
    return Item && isKept(Item, this.retention.clock.now()) ? profileFromItem(customerId, Item) : undefined;
  }

  async getProfiles(customerIds: readonly string[]): Promise<Map<string, Profile>> {
    const items = await batchGetItems(this.doc, this.tableName, customerIds.map(profileKey), {
      operation: 'BatchGetItem of profiles',
    });
    const profiles = new Map<string, Profile>();
    const now = this.retention.clock.now();
    for (const item of items) {
      if (!isKept(item, now)) continue;
      const customerId = customerIdOf(item);
      profiles.set(customerId, profileFromItem(customerId, item));
    }
    return profiles;
  }

  async putProfile(
    profile: Profile,
    expectedVersion: number | undefined,
  ): Promise<{ profile: Profile; receipt: WriteReceipt }> {
    const written: Profile = {
      ...profile,
      // Every stored profile has its archive key from its first write on (docs/decisions.md 155).
      archiveKey: profile.archiveKey ?? newArchiveKey(),
      version: expectedVersion === undefined ? 0 : expectedVersion + 1,
    };
    const now = this.retention.clock.now();
    const update = profileUpdate(written, this.ttlOf(written, now, expectedVersion === undefined));
    const created = absentOrExpiredValues(now);
    try {
      const response = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: profileKey(profile.id),
          UpdateExpression: update.expression,
          ConditionExpression: expectedVersion === undefined ? ABSENT_OR_EXPIRED : '#version = :expected',
          ExpressionAttributeNames:
            expectedVersion === undefined ? { ...update.names, ...created.names } : update.names,
          ExpressionAttributeValues:
            expectedVersion === undefined
              ? { ...update.values, ...created.values }
              : { ...update.values, ':expected': expectedVersion },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      return { profile: written, receipt: { capacityUnits: capacityUnits(response.ConsumedCapacity) } };
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new VersionConflictError(profile.id, expectedVersion);
      throw error;
    }
  }

  /**
   * The TTL to write: the policy's (a number, or null to remove one), or, for a writer without a
   * policy, unchanged on an update and removed on a first write (an expired item's TTL must not
   * carry over to the new profile).
   */
  private ttlOf(profile: Profile, now: Date, first: boolean): number | null | undefined {
    const policy = this.retention.policy;
    if (!policy) return first ? null : undefined;
    return policy.profileExpiresAt(profile, now) ?? null;
  }
}

/** The customer id of a stored profile item, from its key (`C#<id>`). */
export function customerIdOf(item: Record<string, unknown>): string {
  return String(item.PK).slice(CUSTOMER_PREFIX.length);
}

const CUSTOMER_PREFIX = 'C#';

/** A stored profile item → the profile (document opened, empty-default attributes filled back in, schema-checked). */
export function profileFromItem(customerId: string, item: Record<string, unknown>): Profile {
  let attributes: Record<string, unknown>;
  try {
    attributes = unpackProfileItem(withoutStorageAttributes(item));
  } catch (error) {
    throw new CorruptProfileError(
      customerId,
      `${PROFILE_DOCUMENT_ATTRIBUTE}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = profileSchema.safeParse({ ...STORAGE_DEFAULTS, ...readStoredProfile(attributes) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CorruptProfileError(customerId, `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/**
 * The item a write of `profile` stores, as a whole (what profileUpdate SETs, under the profile's
 * key): for loading a table in bulk — benches and tests seed tables with items as the store writes them.
 */
export function storedProfileItem(profile: Profile): Record<string, unknown> {
  const { expression, names, values } = profileUpdate(profile, undefined);
  const item: Record<string, unknown> = { ...profileKey(profile.id) };
  for (const assignment of expression
    .replace(/ REMOVE .*$/, '')
    .slice('SET '.length)
    .split(', ')) {
    const [name = '', value = ''] = assignment.split(' = ');
    item[names[name] ?? name] = values[value];
  }
  return item;
}

interface UpdateParts {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * SET the compressed document of every top-level attribute that differs from its empty default
 * (`p1`) and the plain attributes DynamoDB reads; REMOVE the others, and every attribute an item
 * written before the document kept plain, so the stored item read back with the defaults is
 * exactly `profile`. Attribute names go through placeholders because several (`name`, `events`,
 * `version`…) are DynamoDB reserved words. The `expiry` index partition
 * (`expiryPK`) exists exactly when `nextExpiryAt` does: the index stays sparse. `ttl`: a number
 * is set, null removed, undefined left as stored.
 */
function profileUpdate(profile: Profile, ttl: number | null | undefined): UpdateParts {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const set: string[] = [];
  const remove: string[] = [];
  const document: Record<string, unknown> = {};
  for (const attribute of PROFILE_ATTRIBUTES) {
    names[`#${attribute}`] = attribute;
    const value = profile[attribute];
    const stored =
      value === undefined || isStorageDefault(attribute, value) ? undefined : storedAttribute(attribute, value);
    if (stored !== undefined && PLAIN_PROFILE_ATTRIBUTES.has(attribute)) {
      set.push(`#${attribute} = :${attribute}`);
      values[`:${attribute}`] = stored;
    } else {
      remove.push(`#${attribute}`);
      if (stored !== undefined) document[attribute] = stored;
    }
  }
  names['#document'] = PROFILE_DOCUMENT_ATTRIBUTE;
  set.push('#document = :document');
  values[':document'] = packProfileDocument(document);
  // The `customers` index (issue 20) holds the profiles the nightly refresh scores, nothing else.
  names['#customersPK'] = 'customersPK';
  if (scoredByRefresh(profile)) {
    set.push('#customersPK = :customersPK');
    values[':customersPK'] = customersShardKey(profile.id);
  } else {
    remove.push('#customersPK');
  }
  names['#expiryPK'] = 'expiryPK';
  if (profile.nextExpiryAt === undefined) {
    remove.push('#expiryPK');
  } else {
    set.push('#expiryPK = :expiryPK');
    values[':expiryPK'] = expiryShardKey(profile.id);
  }
  if (ttl !== undefined) {
    names['#ttl'] = TTL_ATTRIBUTE;
    if (ttl === null) remove.push('#ttl');
    else {
      set.push('#ttl = :ttl');
      values[':ttl'] = ttl;
    }
  }
  const expression = `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`;
  return { expression, names, values };
}
