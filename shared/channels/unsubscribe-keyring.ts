/** The unsubscribe keyring as stored (a secret, or an environment variable locally): JSON `{ current, keys }`. */
import * as z from 'zod';
import type { UnsubscribeKeyring } from './unsubscribe-token.js';

const keyringSchema = z
  .object({
    current: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'a key id: letters, digits, _ or -'),
    keys: z.record(z.string(), z.string().min(32, 'at least 32 characters of secret')),
  })
  .refine((ring) => Object.hasOwn(ring.keys, ring.current), {
    message: 'keys must contain the current key id',
    path: ['current'],
  });

export function parseKeyring(text: string, source: string): UnsubscribeKeyring {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${source}: not JSON (expected {"current":"k1","keys":{"k1":"<secret>"}})`);
  }
  const parsed = keyringSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${source}: ${issue?.path.join('.') || 'keyring'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
