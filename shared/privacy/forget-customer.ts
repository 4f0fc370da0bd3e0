/**
 * Erasure of one customer (GDPR art. 17, KVKK art. 7; docs/decisions.md "Privacy" 24): deletes
 * the profile, the anonymous profiles merged into it, their identity links, orders, journey runs,
 * send-ledger entries, deferred sends and cap counters, and keeps only hashed tombstones, so a
 * replayed old order is not counted again. Suppression entries (already hashed) and aggregate
 * counters (STATS#) stay.
 *
 * Order of writes, each idempotent, so a crash part-way is finished by running it again:
 * 1. tombstones (before anything is deleted: a replayed order racing the erasure is refused);
 * 2. the profile, conditional on the version read (a write in between sends us round again);
 * 3. every other item of the partition, then the identity links that still point to the user.
 * A message already in the customer's FIFO group can still land after the sweep; the sweep is
 * repeated while it finds something, at most `MAX_PASSES` times, and what is left is reported.
 */
import { anonymousCustomerId, isAnonymousCustomerId } from '../identity/customer-id.js';
import type { SuppressionList } from '../channels/ports.js';
import type { Clock, IdentityMap, ProfileStore } from '../ports.js';
import { customerHash, legacyCustomerHash, orderHash } from './erasure-hashes.js';
import type { Pepper, PepperSource } from './pepper.js';
import type { CustomerErasureStore, CustomerItem, CustomerItemKind } from './ports.js';

export const MAX_PASSES = 3;

export interface ForgetDeps {
  profiles: ProfileStore;
  identity: IdentityMap;
  erasure: CustomerErasureStore;
  clock: Clock;
  /** The key of the kept hashes (tombstones). */
  pepper: PepperSource;
  /** Needed only for `suppressAddresses`. */
  suppression?: SuppressionList;
}

export interface ForgetRequest {
  customerId: string;
  /** Report what would be removed; write nothing. */
  dryRun?: boolean;
  /** Also put the profile's email and phone on the (hashed) suppression list: "never contact me again". */
  suppressAddresses?: boolean;
}

export interface RemovedCounts {
  profile: number;
  anonymousProfiles: number;
  identityLinks: number;
  orders: number;
  journeyRuns: number;
  sendLedgerEntries: number;
  deferredSends: number;
  sendDecisions: number;
  capCounters: number;
  other: number;
}

export interface ErasureReport {
  customerId: string;
  dryRun: boolean;
  /** Whether anything was stored for the customer. */
  found: boolean;
  erasedAt: string;
  removed: RemovedCounts;
  kept: {
    /** Hashed order ids kept so that replayed orders are not counted again. */
    orderTombstones: number;
    /** Addresses of the profile put on the hashed suppression list by this request. */
    suppressedAddresses: number;
  };
  /** Earlier erasures of the same customer id (ISO times): a repeat request finds nothing. */
  previousErasures: string[];
  /** Items a concurrent writer kept re-creating after MAX_PASSES sweeps (0 normally): run it again. */
  remaining: number;
}

const KIND_COUNTER: Record<Exclude<CustomerItemKind, 'profile' | 'identity_link'>, keyof RemovedCounts> = {
  order: 'orders',
  journey_run: 'journeyRuns',
  send_ledger: 'sendLedgerEntries',
  deferred_send: 'deferredSends',
  send_decision: 'sendDecisions',
  cap_counter: 'capCounters',
  other: 'other',
};

interface Partition {
  customerId: string;
  anonymous: boolean;
  items: CustomerItem[];
}

export class ErasureRequestError extends Error {
  override readonly name = 'ErasureRequestError';
}

export async function forgetCustomer(deps: ForgetDeps, request: ForgetRequest): Promise<ErasureReport> {
  const { customerId } = request;
  if (customerId.trim() === '') throw new ErasureRequestError('customerId: must not be empty');
  if (request.suppressAddresses && !deps.suppression)
    throw new ErasureRequestError('suppressAddresses: no suppression list configured');
  const erasedAt = deps.clock.now().toISOString();
  const report: ErasureReport = {
    customerId,
    dryRun: request.dryRun === true,
    found: false,
    erasedAt,
    removed: {
      profile: 0,
      anonymousProfiles: 0,
      identityLinks: 0,
      orders: 0,
      journeyRuns: 0,
      sendLedgerEntries: 0,
      deferredSends: 0,
      sendDecisions: 0,
      capCounters: 0,
      other: 0,
    },
    kept: { orderTombstones: 0, suppressedAddresses: 0 },
    previousErasures: await previousErasures(deps, customerId),
    remaining: 0,
  };

  const profile = await deps.profiles.getProfile(customerId);
  const anonymousIds = await anonymousIdsOf(deps, customerId, profile?.anonymousIds ?? []);
  if (request.dryRun) {
    const partitions = await readPartitions(deps.erasure, customerId, anonymousIds);
    count(report, partitions);
    report.kept.orderTombstones = partitions.reduce((sum, partition) => sum + orderItems(partition).length, 0);
    report.removed.identityLinks = anonymousIds.links.length;
    report.found = partitions.some((partition) => partition.items.length > 0) || anonymousIds.links.length > 0;
    return report;
  }

  if (request.suppressAddresses && deps.suppression && profile) {
    for (const address of [profile.channels.email, profile.channels.phone]) {
      if (address === undefined) continue;
      await deps.suppression.suppress(address, 'unsubscribe', erasedAt);
      report.kept.suppressedAddresses++;
    }
  }

  let tombstoned = new Set<string>();
  for (let pass = 1; ; pass++) {
    const partitions = await readPartitions(deps.erasure, customerId, anonymousIds);
    const left = partitions.reduce((sum, partition) => sum + partition.items.length, 0);
    if (left === 0) break;
    if (pass > MAX_PASSES) {
      report.remaining = left;
      break;
    }
    tombstoned = await writeTombstones(
      { erasure: deps.erasure, pepper: await deps.pepper.get() },
      partitions,
      erasedAt,
      tombstoned,
    );
    for (const partition of partitions) {
      const removedProfile = await deleteProfileItem(deps.erasure, partition);
      // A profile that changed since it was read stays for the next pass (with what was added).
      const rest = partition.items.filter((item) => item.kind !== 'profile');
      await deps.erasure.deleteCustomerItems(
        partition.customerId,
        rest.map((item) => item.sortKey),
      );
      count(report, [{ ...partition, items: removedProfile ? partition.items : rest }]);
    }
  }
  report.kept.orderTombstones = tombstoned.size;
  report.removed.identityLinks = await unlink(deps.erasure, anonymousIds.links);
  report.found = Object.values(report.removed).some((removed) => removed > 0);
  return report;
}

/** Earlier erasures, under the peppered hash and under the bare sha256 written before the pepper. */
async function previousErasures(deps: ForgetDeps, customerId: string): Promise<string[]> {
  const [current, legacy] = await Promise.all([
    deps.erasure.erasedAt(customerHash(await deps.pepper.get(), customerId)),
    deps.erasure.erasedAt(legacyCustomerHash(customerId)),
  ]);
  return [...new Set([...current, ...legacy])].sort();
}

interface AnonymousIds {
  /** Every anonymous id whose profile belongs to the customer. */
  all: string[];
  /** Identity links to remove: each anonymous id with the user it points to. */
  links: { anonymousId: string; userId: string }[];
}

/**
 * A known customer's anonymous ids: those merged into the profile, and those only linked (an
 * identify on a device with no anonymous profile links without merging); the latter are found
 * by the store (the link's reverse in the user's partition on DynamoDB). An anonymous customer
 * has only its own link, if it was linked.
 */
async function anonymousIdsOf(deps: ForgetDeps, customerId: string, merged: readonly string[]): Promise<AnonymousIds> {
  if (isAnonymousCustomerId(customerId)) {
    const own = customerId.slice(anonymousCustomerId('').length);
    const userId = (await deps.identity.resolve([own])).get(own);
    return { all: [], links: userId === undefined ? [] : [{ anonymousId: own, userId }] };
  }
  const linked = await deps.erasure.linkedAnonymousIds(customerId);
  return {
    all: [...new Set([...merged, ...linked])],
    links: linked.map((anonymousId) => ({ anonymousId, userId: customerId })),
  };
}

async function readPartitions(
  erasure: CustomerErasureStore,
  customerId: string,
  anonymousIds: AnonymousIds,
): Promise<Partition[]> {
  const main: Partition = { customerId, anonymous: false, items: await erasure.listCustomerItems(customerId) };
  const anonymous = await Promise.all(
    anonymousIds.all.map(async (id): Promise<Partition> => {
      const partitionId = anonymousCustomerId(id);
      return { customerId: partitionId, anonymous: true, items: await erasure.listCustomerItems(partitionId) };
    }),
  );
  return [main, ...anonymous];
}

function orderItems(partition: Partition): CustomerItem[] {
  return partition.items.filter((item) => item.kind === 'order' && item.orderId !== undefined);
}

/**
 * One tombstone per erased partition (an anonymous profile's replayed orders land on
 * `anon:<id>` again once the link is gone). `done` holds the order hashes already written, so a
 * second pass writes only what a concurrent writer added.
 */
async function writeTombstones(
  { erasure, pepper }: { erasure: CustomerErasureStore; pepper: Pepper },
  partitions: readonly Partition[],
  erasedAt: string,
  done: Set<string>,
): Promise<Set<string>> {
  const written = new Set(done);
  for (const partition of partitions) {
    const hashes = orderItems(partition)
      .map((item) => orderHash(pepper, partition.customerId, item.orderId ?? ''))
      .filter((hash) => !written.has(`${partition.customerId}\u0000${hash}`));
    // The customer's own tombstone marks the erasure even without orders; the same erasedAt
    // makes a second pass rewrite the same marker.
    if (hashes.length === 0 && partition.anonymous) continue;
    await erasure.putTombstone({
      customerHash: customerHash(pepper, partition.customerId),
      erasedAt,
      orderHashes: hashes,
    });
    for (const hash of hashes) written.add(`${partition.customerId}\u0000${hash}`);
  }
  return written;
}

async function deleteProfileItem(erasure: CustomerErasureStore, partition: Partition): Promise<boolean> {
  const profile = partition.items.find((item) => item.kind === 'profile');
  return profile === undefined ? false : erasure.deleteProfile(partition.customerId, profile.version);
}

function count(report: ErasureReport, partitions: readonly Partition[]): void {
  for (const partition of partitions) {
    for (const item of partition.items) {
      if (item.kind === 'profile') report.removed[partition.anonymous ? 'anonymousProfiles' : 'profile']++;
      // Counted once, as the link it mirrors (`identityLinks`).
      else if (item.kind !== 'identity_link') report.removed[KIND_COUNTER[item.kind]]++;
    }
  }
}

async function unlink(erasure: CustomerErasureStore, links: AnonymousIds['links']): Promise<number> {
  let removed = 0;
  for (const userId of new Set(links.map((link) => link.userId))) {
    removed += await erasure.unlinkAnonymousIds(
      userId,
      links.filter((link) => link.userId === userId).map((link) => link.anonymousId),
    );
  }
  return removed;
}
