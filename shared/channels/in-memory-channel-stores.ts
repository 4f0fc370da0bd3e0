/**
 * The channel stores (shared/channels/ports.ts) in memory, with the table's semantics: what
 * `sadakat simulate` runs the real send decision on (shared/journeys/simulation/dry-run-sending.ts)
 * and what domain tests pass (test/fakes/in-memory-channels.ts re-exports them).
 */
import type {
  CapCounters,
  CapScope,
  DeferredSend,
  DueQueue,
  LedgerClaim,
  LedgerEntry,
  LedgerKey,
  MessageStats,
  MessageStatsKey,
  SendLedger,
  SuppressionEntry,
  SuppressionList,
  SuppressionReason,
} from './ports.js';
import type { SendRequest } from './send-request.js';
import { normalizeAddress, PERMANENT_REASONS } from './suppression-address.js';

export class InMemorySendLedger implements SendLedger {
  readonly entries = new Map<string, LedgerEntry>();

  private key(customerId: string, messageId: string): string {
    return `${customerId}\u0000${messageId}`;
  }

  async find(customerId: string, messageId: string): Promise<LedgerEntry | undefined> {
    const entry = this.entries.get(this.key(customerId, messageId));
    return entry ? { ...entry } : undefined;
  }

  async findEntries(keys: readonly LedgerKey[]): Promise<LedgerEntry[]> {
    return keys.flatMap(({ customerId, messageId }) => {
      const entry = this.entries.get(this.key(customerId, messageId));
      return entry ? [{ ...entry }] : [];
    });
  }

  async claim(claim: LedgerClaim): Promise<boolean> {
    const key = this.key(claim.customerId, claim.messageId);
    if (this.entries.has(key)) return false;
    this.entries.set(key, { ...claim, status: 'claimed', updatedAt: claim.claimedAt });
    return true;
  }

  async settle(
    customerId: string,
    messageId: string,
    status: 'sent' | 'failed' | 'unknown' | 'retrying',
    at: string,
    details: { providerMessageId?: string; detail?: string } = {},
  ): Promise<void> {
    const key = this.key(customerId, messageId);
    const entry = this.entries.get(key);
    if (entry?.status !== 'claimed') throw new Error(`no claim for ${messageId}`);
    this.entries.set(key, { ...entry, ...details, status, updatedAt: at });
  }

  async reclaim(seen: Parameters<SendLedger['reclaim']>[0], at: string, attempts: number): Promise<boolean> {
    const key = this.key(seen.customerId, seen.messageId);
    const entry = this.entries.get(key);
    if (entry?.status !== seen.status || entry.updatedAt !== seen.updatedAt) return false;
    const { detail: _detail, ...kept } = entry;
    this.entries.set(key, { ...kept, status: 'claimed', updatedAt: at, attempts });
    return true;
  }

  async failAfterSent(customerId: string, messageId: string, at: string, detail: string): Promise<boolean> {
    const key = this.key(customerId, messageId);
    const entry = this.entries.get(key);
    if (entry?.status !== 'sent') return false;
    this.entries.set(key, { ...entry, status: 'failed', updatedAt: at, detail });
    return true;
  }

  async release(customerId: string, messageId: string): Promise<void> {
    this.entries.delete(this.key(customerId, messageId));
  }

  async *staleClaims(claimedBefore: string): AsyncIterable<LedgerEntry> {
    for (const entry of [...this.entries.values()])
      if (entry.status === 'claimed' && entry.claimedAt <= claimedBefore) yield { ...entry };
  }
}

export class InMemoryCapCounters implements CapCounters {
  readonly counters = new Map<string, number>();

  async counts(customerId: string, scopes: readonly CapScope[], days: readonly number[]): Promise<Map<string, number>> {
    const result = new Map<string, number>();
    for (const scope of scopes) {
      for (const day of days) {
        const count = this.counters.get(`${customerId}\u0000${scope}#${day}`);
        if (count !== undefined) result.set(`${scope}#${day}`, count);
      }
    }
    return result;
  }

  async add(customerId: string, scopes: readonly CapScope[], day: number): Promise<void> {
    for (const scope of scopes) {
      const key = `${customerId}\u0000${scope}#${day}`;
      this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
    }
  }

  set(customerId: string, scope: CapScope, day: number, count: number): void {
    this.counters.set(`${customerId}\u0000${scope}#${day}`, count);
  }
}

/** The DynamoDB list's rules (suppression-address.ts) keyed by the normalized address itself. */
export class InMemorySuppressionList implements SuppressionList {
  readonly entries = new Map<string, SuppressionEntry>();

  async find(address: string): Promise<SuppressionEntry | undefined> {
    return this.entries.get(normalizeAddress(address));
  }

  async isSuppressed(address: string): Promise<boolean> {
    return this.entries.has(normalizeAddress(address));
  }

  async suppress(address: string, reason: SuppressionReason, at = ''): Promise<void> {
    const key = normalizeAddress(address);
    const current = this.entries.get(key);
    if (current && PERMANENT_REASONS.has(current.reason)) return;
    if (current && !PERMANENT_REASONS.has(reason) && current.at >= at) return;
    this.entries.set(key, { reason, at });
  }
}

export class InMemoryDueQueue implements DueQueue {
  readonly items = new Map<string, DeferredSend>();

  async defer(request: SendRequest, wakeAt: string): Promise<void> {
    const key = `${request.customerId}\u0000${request.messageId}`;
    this.items.set(key, { request, wakeAt, version: (this.items.get(key)?.version ?? 0) + 1 });
  }

  async *due(until: string): AsyncIterable<DeferredSend> {
    const due = [...this.items.values()]
      .filter((item) => item.wakeAt <= until)
      .sort((a, b) => a.wakeAt.localeCompare(b.wakeAt));
    for (const item of due) yield item;
  }

  /** As DynamoDueSends: only at the version and wake time released, so a newer deferral stays. */
  async remove(released: DeferredSend): Promise<boolean> {
    const key = `${released.request.customerId}\u0000${released.request.messageId}`;
    const current = this.items.get(key);
    if (current?.version !== released.version || current.wakeAt !== released.wakeAt) return false;
    this.items.delete(key);
    return true;
  }

  async cancel(customerId: string, messageId: string): Promise<void> {
    this.items.delete(`${customerId}\u0000${messageId}`);
  }
}

export class InMemoryMessageStats implements MessageStats {
  readonly increments: MessageStatsKey[] = [];

  async increment(key: MessageStatsKey): Promise<void> {
    this.increments.push(key);
  }

  metrics(): string[] {
    return this.increments.map((key) => key.metric);
  }
}
