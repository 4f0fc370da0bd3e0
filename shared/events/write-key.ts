/**
 * Segment write keys (DESIGN "Trust", a contract): where a request carries one, whether it is one
 * of ours, and which it is. A key is `server` (secret: the storefront's back end) or `browser`
 * (public, in page code; it lists the origins whose pages may use it). Keys are compared in
 * constant time over sha256 digests (equal lengths, so timingSafeEqual applies and the length of
 * a configured key does not leak either). Keys are never logged; their ids may be.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';

export const KEY_SCOPES = ['server', 'browser'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

/** A key as the operator configures it (one entry of the write-keys secret). */
export const writeKeyEntrySchema = z.strictObject({
  /** A name for the key that may appear in logs and in every message's `source.keyId`. */
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'must be 1–64 letters, digits, dot, dash or underscore' }),
  key: z.string().trim().min(16, { error: 'must be at least 16 characters' }),
  scope: z.enum(KEY_SCOPES, { error: 'must be server or browser' }),
  /** browser keys: the page origins allowed to use the key (`https://shop.example`); none for server keys. */
  origins: z.array(z.url({ protocol: /^https?$/, error: 'must be an origin such as https://shop.example' })).optional(),
});
export type WriteKeyEntry = z.infer<typeof writeKeyEntrySchema>;

/** What ingest learns from a valid key: never the key itself. */
export interface KnownWriteKey {
  id: string;
  scope: KeyScope;
  /** Normalized origins (scheme://host[:port]); empty for server keys. */
  origins: readonly string[];
}

export interface WriteKeyVerifier {
  /** The key's identity when `candidate` is one of ours, else undefined. */
  verify(candidate: string): Promise<KnownWriteKey | undefined>;
  /** Every origin listed on any browser key (a CORS preflight carries no key). */
  browserOrigins(): Promise<ReadonlySet<string>>;
}

const digest = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/** `https://Shop.example:443/path` → `https://shop.example`: how browsers send `Origin`. */
export function normalizeOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Keys given at start-up (serve, tests) or loaded from the secret. */
export class StaticWriteKeys implements WriteKeyVerifier {
  private readonly known: readonly { digest: Buffer; key: KnownWriteKey }[];
  private readonly origins: ReadonlySet<string>;

  constructor(entries: readonly WriteKeyEntry[]) {
    if (entries.length === 0) throw new Error('no write keys configured: give at least one');
    const ids = new Set<string>();
    this.known = entries.map((entry) => {
      if (ids.has(entry.id)) throw new Error(`write key id ${entry.id} is given twice: ids must be unique`);
      ids.add(entry.id);
      const origins =
        entry.scope === 'browser'
          ? (entry.origins ?? []).flatMap((origin) => normalizeOrigin(origin) ?? [])
          : ([] as string[]);
      return { digest: digest(entry.key.trim()), key: { id: entry.id, scope: entry.scope, origins } };
    });
    this.origins = new Set(this.known.flatMap(({ key }) => key.origins));
  }

  async verify(candidate: string): Promise<KnownWriteKey | undefined> {
    const candidateDigest = digest(candidate);
    // Compare with every key, no early exit: the time taken does not say which key matched.
    let matched: KnownWriteKey | undefined;
    for (const known of this.known) if (timingSafeEqual(candidateDigest, known.digest)) matched ??= known.key;
    return matched;
  }

  async browserOrigins(): Promise<ReadonlySet<string>> {
    return this.origins;
  }
}

/** Server keys from a plain list (`WRITE_KEYS=k1,k2`, `serve --write-key`): ids `server-1`, `server-2`… */
export function serverKeys(keys: readonly string[]): WriteKeyEntry[] {
  return keys
    .map((key) => key.trim())
    .filter((key) => key.length > 0)
    .map((key, index) => ({ id: `server-${index + 1}`, key, scope: 'server' as const }));
}

/** Parses comma-separated keys (the WRITE_KEYS variable and the secret's old format). */
export function parseWriteKeyList(list: string): string[] {
  return list
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key.length > 0);
}

export class WriteKeyConfigError extends Error {
  override readonly name = 'WriteKeyConfigError';
}

/**
 * The write-keys secret's text: a JSON array of `{ id, key, scope, origins? }` entries (or one
 * such object), or — the format before key scopes — comma-separated keys, which are all server
 * keys (docs/decisions.md). Errors name the entry and field, never a key.
 */
export function parseWriteKeySecret(text: string): { entries: WriteKeyEntry[]; format: 'entries' | 'legacy-list' } {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) {
    const entries = serverKeys(parseWriteKeyList(trimmed));
    if (entries.length === 0) throw new WriteKeyConfigError('holds no write key');
    return { entries, format: 'legacy-list' };
  }
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    throw new WriteKeyConfigError('is not valid JSON: store an array of { id, key, scope } entries');
  }
  const parsed = z
    .array(writeKeyEntrySchema)
    .min(1, { error: 'must hold at least one entry' })
    .safeParse(Array.isArray(json) ? json : [json]);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [index, ...field] = issue?.path ?? [];
    const where =
      typeof index === 'number' ? `entry ${index + 1}${field.length ? ` field ${field.join('.')}` : ''}` : 'it';
    throw new WriteKeyConfigError(`${where} ${issue?.message ?? 'is invalid'}`);
  }
  const ids = parsed.data.map((entry) => entry.id);
  const twice = ids.find((id, index) => ids.indexOf(id) !== index);
  if (twice !== undefined) throw new WriteKeyConfigError(`names id ${twice} twice: ids must be unique`);
  return { entries: parsed.data, format: 'entries' };
}

export type AuthorizationKey = { kind: 'absent' } | { kind: 'malformed' } | { kind: 'key'; key: string };

/** `Authorization: Basic base64(writeKey + ':')`; the password part is ignored, as Segment does. */
export function writeKeyFromAuthorization(header: string | undefined): AuthorizationKey {
  if (header === undefined || header.trim() === '') return { kind: 'absent' };
  const match = /^basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header.trim());
  if (!match?.[1]) return { kind: 'malformed' };
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = colon === -1 ? decoded : decoded.slice(0, colon);
  return key.length > 0 ? { kind: 'key', key } : { kind: 'malformed' };
}
