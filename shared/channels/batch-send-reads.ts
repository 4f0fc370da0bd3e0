/**
 * What a batch of send requests reads first, read for the whole batch (decision 306): each
 * decision starts with its ledger entry (is it a duplicate?) and its customer's profile, two
 * requests a decision; a batch of ten made twenty. Read ahead, one BatchGetItem of the entries
 * and one of the profiles, each value served once — to the first decision that asks for it; a
 * later one (the same customer or message again in the batch, or a retry) reads the table.
 *
 * Safe because nothing else writes a customer's ledger while the batch holds the customer's
 * group (sends.fifo is grouped by customer), and the claim stays conditional: an entry created
 * after the read ahead makes the claim fail, `duplicate`, never a second message. A profile read
 * ahead is as old as the batch's earlier decisions took — what a decision made that much earlier
 * would have read. A failed read ahead leaves each decision to read its own.
 */
import type { ProfileStore } from '../ports.js';
import type { Profile } from '../profiles/schema.js';
import type { LedgerClaim, LedgerEntry, LedgerKey, SendLedger } from './ports.js';
import type { SendRequest } from './send-request.js';

type Profiles = Pick<ProfileStore, 'getProfile' | 'getProfiles'>;

/** The batch's stores: `find` and `getProfile` answer from what was read ahead, once per key. */
export async function readSendsAhead<Deps extends { profiles: Profiles; ledger: SendLedger }>(
  deps: Deps,
  requests: readonly (SendRequest | undefined)[],
): Promise<Deps> {
  const known = requests.filter((request): request is SendRequest => request !== undefined);
  // One decision reads what it reads either way: nothing to save.
  if (known.length < 2) return deps;
  const customerIds = [...new Set(known.map((request) => request.customerId))];
  const keys = known.map(({ customerId, messageId }) => ({ customerId, messageId }));
  const [profiles, entries] = await Promise.all([
    deps.profiles.getProfiles(customerIds).catch(() => undefined),
    deps.ledger.findEntries(keys).catch(() => undefined),
  ]);
  const profilesAhead = new ReadAhead<Profile>();
  if (profiles) for (const id of customerIds) profilesAhead.set(id, profiles.get(id));
  const entriesAhead = new ReadAhead<LedgerEntry>();
  if (entries) {
    for (const key of keys) entriesAhead.set(ledgerKeyOf(key), undefined);
    for (const entry of entries) entriesAhead.set(ledgerKeyOf(entry), entry);
  }
  return {
    ...deps,
    profiles: {
      getProfile: (customerId: string) => profilesAhead.take(customerId) ?? deps.profiles.getProfile(customerId),
      getProfiles: (customerIds: readonly string[]) => deps.profiles.getProfiles(customerIds),
    },
    ledger: new ReadAheadLedger(deps.ledger, entriesAhead),
  };
}

/** Values read ahead by key (undefined: read, and absent), each taken at most once. */
class ReadAhead<Value> {
  private readonly values = new Map<string, Value | undefined>();

  set(key: string, value: Value | undefined): void {
    this.values.set(key, value);
  }

  /** What was read for `key` (removed), or undefined when nothing was: the caller reads the table. */
  take(key: string): Promise<Value | undefined> | undefined {
    if (!this.values.has(key)) return undefined;
    const value = this.values.get(key);
    this.values.delete(key);
    return Promise.resolve(value);
  }
}

function ledgerKeyOf({ customerId, messageId }: LedgerKey): string {
  return `${customerId}\u0000${messageId}`;
}

/** The ledger with its entries read ahead: `find` answers from them once; every other call goes to the store. */
class ReadAheadLedger implements SendLedger {
  constructor(
    private readonly store: SendLedger,
    private readonly ahead: ReadAhead<LedgerEntry>,
  ) {}

  find(customerId: string, messageId: string): Promise<LedgerEntry | undefined> {
    return this.ahead.take(ledgerKeyOf({ customerId, messageId })) ?? this.store.find(customerId, messageId);
  }

  findEntries(keys: readonly LedgerKey[]): Promise<LedgerEntry[]> {
    return this.store.findEntries(keys);
  }

  claim(claim: LedgerClaim): Promise<boolean> {
    return this.store.claim(claim);
  }

  settle(...args: Parameters<SendLedger['settle']>): Promise<void> {
    return this.store.settle(...args);
  }

  reclaim(...args: Parameters<SendLedger['reclaim']>): Promise<boolean> {
    return this.store.reclaim(...args);
  }

  failAfterSent(...args: Parameters<SendLedger['failAfterSent']>): Promise<boolean> {
    return this.store.failAfterSent(...args);
  }

  release(customerId: string, messageId: string): Promise<void> {
    return this.store.release(customerId, messageId);
  }

  staleClaims(claimedBefore: string): AsyncIterable<LedgerEntry> {
    return this.store.staleClaims(claimedBefore);
  }
}
