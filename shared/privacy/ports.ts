/**
 * What erasure (GDPR art. 17 / KVKK art. 7) needs from storage, beside the ProfileStore and
 * IdentityMap of shared/ports.ts. shared/aws/dynamo-customer-erasure.ts implements both ports on
 * the single table; test/fakes/in-memory-erasure.ts in memory. Tombstones carry hashes only
 * (shared/privacy/erasure-hashes.ts): no customer id, order id, address or phone number.
 */

/** What a customer's partition (`PK=C#<id>`) holds, by DESIGN "Data model". */
export type CustomerItemKind =
  | 'profile'
  | 'order'
  | 'journey_run'
  | 'send_ledger'
  | 'cap_counter'
  | 'deferred_send'
  /** A send that sent nothing, kept for the console (`D#`, decision 205). */
  | 'send_decision'
  /** The reverse of an identity link (the link itself lives under `ID#`, and is what is counted). */
  | 'identity_link'
  | 'other';

export interface CustomerItem {
  kind: CustomerItemKind;
  /** The item's sort key: opaque to the domain, handed back to `deleteCustomerItems`. */
  sortKey: string;
  /** `order` items: the order id, hashed into the tombstone and never kept. */
  orderId?: string;
  /** `profile` items: the stored version, for the conditional delete. */
  version?: number;
}

/** Kept after an erasure under `FORGOTTEN#<customerHash>`: when, and the hashed order ids. */
export interface ErasureTombstone {
  customerHash: string;
  erasedAt: string;
  orderHashes: readonly string[];
}

export interface CustomerErasureStore {
  /** Every item of the customer's partition, all pages, strongly consistent. */
  listCustomerItems(customerId: string): Promise<CustomerItem[]>;
  /** Deletes the profile only while its version is still `expectedVersion`: false when a writer got in between. */
  deleteProfile(customerId: string, expectedVersion: number | undefined): Promise<boolean>;
  /** Deletes the partition's items by sort key (batched, unprocessed items resent). */
  deleteCustomerItems(customerId: string, sortKeys: readonly string[]): Promise<void>;
  /** Anonymous ids the identity map (`PK=ID#…`) links to this user. */
  linkedAnonymousIds(userId: string): Promise<string[]>;
  /** Deletes the links of these anonymous ids that still point to `userId`; returns how many it deleted. */
  unlinkAnonymousIds(userId: string, anonymousIds: readonly string[]): Promise<number>;
  /** Writes (idempotently) the tombstone's marker and one item per order hash. */
  putTombstone(tombstone: ErasureTombstone): Promise<void>;
  /** When this customer hash was erased before (ISO times, oldest first). */
  erasedAt(customerHash: string): Promise<string[]>;
}

/** The one read process-events makes per order: was it erased with its customer? (shared/privacy/erased-order.ts) */
export interface OrderTombstones {
  /** Which of these order hashes have a tombstone (batched reads, eventually consistent). */
  findOrderTombstones(keys: readonly { customerHash: string; orderHash: string }[]): Promise<Set<string>>;
}
