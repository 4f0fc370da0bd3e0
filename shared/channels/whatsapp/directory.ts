/**
 * Whose WhatsApp number is it? Inbound messages name only a number; the events queue needs the
 * customer. The send remembers the customer of each number it messages, as an identity link of
 * the key `whatsapp:<HMAC(pepper, "address:whatsapp:<E.164>")>` (never the number itself), so:
 *
 * - the lookup is one read of the identity map, and
 * - erasure already deletes it: `forget` removes every identity link of the customer (its
 *   reverse is in the customer's partition), so after it the number leads nowhere.
 *
 * The identity map keeps the first link: a number that moves to another customer still leads to
 * the first one until that customer is forgotten (a number messaged under two customers is rare;
 * the cost is a window or STOP recorded on the wrong profile of the shop's own customers).
 */
import type { IdentityMap } from '../../ports.js';
import type { PepperSource } from '../../privacy/pepper.js';

export interface WhatsAppDirectory {
  /** Links the number to the customer (first link wins). */
  remember(phone: string, customerId: string): Promise<void>;
  /** The customer messaged at this number, if any. */
  customerOf(phone: string): Promise<string | undefined>;
}

export function identityDirectory(identity: IdentityMap, pepper: PepperSource): WhatsAppDirectory {
  const keyOf = async (phone: string) => `whatsapp:${(await pepper.get()).hash('address', `whatsapp:${phone}`)}`;
  return {
    remember: async (phone, customerId) => {
      await identity.link(await keyOf(phone), customerId);
    },
    customerOf: async (phone) => {
      const key = await keyOf(phone);
      return (await identity.resolve([key])).get(key);
    },
  };
}
