/**
 * Faults in the embedded runtime (issue 10, "Faults"): the same shop events through a fault-free
 * pipeline and through one with DynamoDB throttling, lost version races, crashes after writes
 * and order claims, queue throttling at ingest, crashes mid-batch and every batch delivered up to
 * three times. Every accepted event must be reflected exactly once: the profiles and orders agree.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../shared/profiles/schema.js';
import { FaultInjector } from '../fakes/fault-injection.js';
import { SeededRandom } from '../../shared/local/seeded-random.js';
import type { OrderRecord } from '../../shared/ports.js';
import { startEngine, type Engine, type Pipeline } from './pipeline-harness.js';
import { batches, shopEvents, type ShopEvents } from './shop-events.js';

const CUSTOMERS = 30;

/** The profile without its write counter (faults add retries, never content) and its random archiveKey. */
function content(profile: Profile | undefined): Omit<Profile, 'version' | 'archiveKey'> | undefined {
  if (!profile) return undefined;
  const { version: _version, archiveKey: _archiveKey, ...rest } = profile;
  return rest;
}

async function snapshot(pipeline: Pipeline, customerIds: readonly string[]) {
  const profiles = await pipeline.profiles.getProfiles(customerIds);
  const orders: OrderRecord[] = [];
  for (const id of customerIds) orders.push(...(await pipeline.orders.listOrders(id)));
  return { profiles: new Map([...profiles].map(([id, profile]) => [id, content(profile)])), orders };
}

describe('the events pipeline under injected faults (dynalite)', { timeout: 180_000 }, () => {
  let engine: Engine;
  let events: ShopEvents;
  let reference: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    engine = await startEngine();
    events = shopEvents({ customers: CUSTOMERS, seed: 20261123 });
    const clean = await engine.pipeline('clean');
    for (const batch of batches(events.calls, 25)) await clean.post(batch);
    await clean.drain();
    reference = await snapshot(clean, events.customerIds);
  }, 180_000);

  afterAll(async () => {
    await engine?.stop();
  });

  it('the fault-free reference counts every distinct order once and ignores replays', () => {
    // Assess
    for (const id of events.customerIds)
      expect(reference.profiles.get(id)?.orders.count ?? 0).toBe(events.ordersPerCustomer.get(id));
    expect(reference.orders.every((order) => order.status === 'applied')).toBe(true);
    expect(events.replays).toBeGreaterThan(0);
  });

  it('reflects every accepted event exactly once despite throttling, races, crashes and triple delivery', async () => {
    // Prepare
    const faults = new FaultInjector(new SeededRandom(7), {
      'dynamo-throttle': 0.03,
      'version-race': 0.05,
      'crash-after-profile-write': 0.05,
      'crash-after-order-claim': 0.1,
      'crash-before-order-applied': 0.1,
      'queue-throttle': 0.2,
      'crash-mid-batch': 0.15,
      redelivery: 0.5,
    });
    // Enough receives that the faults, not the DLQ, decide: nothing may be lost here.
    const faulty = await engine.pipeline('faulty', faults, { maxReceiveCount: 12 });

    // Act
    let accepted = 0;
    for (const batch of batches(events.calls, 25)) accepted += (await faulty.post(batch)).accepted;
    const stats = await faulty.drain();
    const result = await snapshot(faulty, events.customerIds);

    // Assess
    expect(accepted).toBe(events.calls.length);
    expect(faulty.dlq.depth).toBe(0);
    expect(stats.movedToDlq).toBe(0);
    expect(result.profiles).toEqual(reference.profiles);
    expect(result.orders).toEqual(reference.orders);
    expect(faults.injected.redelivery).toBeGreaterThan(0);
    expect(faults.injected['crash-after-order-claim'] + faults.injected['crash-before-order-applied']).toBeGreaterThan(
      0,
    );
    expect(faults.injected['version-race']).toBeGreaterThan(0);
    console.info(
      `reliability figures: ${JSON.stringify({ events: events.calls.length, delivered: stats.delivered, faults: faults.total, injected: faults.injected, lost: 0, duplicates: 0 })}`,
    );
  });

  it('dead-letters a message that keeps failing after maxReceiveCount, and completes it after redrive', async () => {
    // Prepare: every profile write throttles, as in a long outage of one table
    const outage = new FaultInjector(new SeededRandom(11), { 'dynamo-throttle': 1 });
    const pipeline = await engine.pipeline('outage', outage, { maxReceiveCount: 3 });
    const customer = events.customerIds.slice(0, 3);
    const calls = events.calls.filter((call) => customer.includes(String(call.userId)));
    outage.enabled = false;
    await pipeline.post(calls);
    outage.enabled = true;

    // Act
    const failed = await pipeline.drain();
    const deadLettered = pipeline.dlq.depth;
    outage.enabled = false;
    const redriven = pipeline.queue.redrive();
    const after = await pipeline.drain();
    const result = await snapshot(pipeline, customer);

    // Assess
    expect(failed.movedToDlq).toBe(calls.length);
    expect(deadLettered).toBe(calls.length);
    expect(redriven).toBe(calls.length);
    expect(after.movedToDlq).toBe(0);
    expect(pipeline.dlq.depth).toBe(0);
    expect(result.profiles).toEqual(new Map(customer.map((id) => [id, reference.profiles.get(id)])));
  });

  it('dead-letters an unparseable message after maxReceiveCount and keeps its body for inspection', async () => {
    // Prepare
    const pipeline = await engine.pipeline('poison', undefined, { maxReceiveCount: 3 });
    pipeline.queue.send({
      body: '{"kind":"event","customerId":"c-0","event":{"type":"nonsense"}}',
      groupId: 'g-poison',
      deduplicationId: 'poison-1',
    });

    // Act
    const stats = await pipeline.drain();

    // Assess
    expect(stats.delivered).toBe(3);
    expect(stats.movedToDlq).toBe(1);
    const [dead] = pipeline.dlq.receive(1);
    expect(dead?.body).toContain('nonsense');
  });
});
