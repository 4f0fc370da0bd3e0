/**
 * Every kind of item the single table holds, by key, with how long it is kept (README
 * "Retention", decision 179). A test builds a key with every key builder and finds it here, and
 * finds every entry in README's table: an item type added without a retention row fails CI.
 *
 * `expires`: `never` — the item has no TTL; `sometimes` — a TTL on some items of the kind
 * (anonymous visitors' profiles, ended runs of journeys that allow re-entry); `always` — every
 * item carries one. Items that protect a customer (`protects`) are `never`.
 */
export type Expiry = 'never' | 'sometimes' | 'always';

export interface ItemType {
  /** The key as README's Retention table writes it (inside backticks, in the row's first cell). */
  readme: string;
  /** Matches `<PK> <SK>`. */
  pattern: RegExp;
  expires: Expiry;
  /** An opt-out, a tombstone, an identity link or a rule's memory: must outlive every profile. */
  protects: boolean;
}

export const ITEM_TYPES: readonly ItemType[] = [
  { readme: 'C#<id>` / `PROFILE', pattern: /^C#\S+ PROFILE$/, expires: 'sometimes', protects: false },
  { readme: 'ID#<anonymousId>', pattern: /^ID#\S+ ID$/, expires: 'never', protects: true },
  { readme: 'C#<id>` / `LINK#…', pattern: /^C#\S+ LINK#.+$/, expires: 'never', protects: true },
  { readme: 'O#<orderId>', pattern: /^C#\S+ O#.+$/, expires: 'never', protects: false },
  { readme: 'R#<orderId>#<messageId>', pattern: /^C#\S+ R#.+#.+$/, expires: 'never', protects: false },
  { readme: 'SV#<surveyId>#<at>#<messageId>', pattern: /^C#\S+ SV#.+#.+#.+$/, expires: 'never', protects: false },
  { readme: 'M#<messageId>', pattern: /^C#\S+ M#.+$/, expires: 'always', protects: false },
  // Runs of `reentry: never` journeys keep the rule's memory: never expire (retentionPolicy).
  { readme: 'J#<journeyId>#<runId>', pattern: /^C#\S+ J#[^#]+#.+$/, expires: 'sometimes', protects: true },
  { readme: 'D#<decidedAt>#<messageId>', pattern: /^C#\S+ D#.+#.+$/, expires: 'always', protects: false },
  { readme: 'DEFER#<messageId>', pattern: /^C#\S+ DEFER#.+$/, expires: 'never', protects: false },
  {
    readme: 'CAP#*#<day>` (before decision 307 `CAP#<scope>#<day>',
    pattern: /^C#\S+ CAP#.+#\d+$/,
    expires: 'always',
    protects: false,
  },
  { readme: 'RATE#<scope>[#<shard>]` / `CURSOR', pattern: /^RATE#\S+ CURSOR$/, expires: 'always', protects: false },
  {
    readme: 'STATS#MSG#<journeyId>#<variant>#<shard>',
    pattern: /^STATS#MSG#[^#\s]+#[^#\s]+(#\d+)? .+#.+#.+#\d+$/,
    expires: 'never',
    protects: false,
  },
  { readme: 'C#<id>` / `AUD#<segment>', pattern: /^C#\S+ AUD#.+$/, expires: 'never', protects: false },
  { readme: 'MIGRATION#scale-indexes', pattern: /^MIGRATION#scale-indexes STATE$/, expires: 'never', protects: false },
  { readme: 'PASS#<pass>', pattern: /^PASS#\S+ \S+$/, expires: 'always', protects: false },
  // A run's wake (decision 290): never moved or deleted by us, only by its TTL.
  { readme: 'WAKE#<shard>', pattern: /^WAKE#\d+ \S+#\S+$/, expires: 'always', protects: false },
  { readme: 'WAKE#CURSOR', pattern: /^WAKE#CURSOR CURSOR$/, expires: 'never', protects: false },
  { readme: 'LIMIT#<peppered mailbox hash>', pattern: /^LIMIT#\S+ \S+$/, expires: 'always', protects: false },
  { readme: 'SUPPRESS#<peppered hash>', pattern: /^SUPPRESS#\S+ SUPPRESS$/, expires: 'never', protects: true },
  {
    readme: 'FORGOTTEN#<peppered hash>',
    pattern: /^FORGOTTEN#\S+ (ERASED|ORDERHASH)#.+$/,
    expires: 'never',
    protects: true,
  },
];

/** The item types a key belongs to (exactly one for every key the adapters write). */
export function itemTypesOf(key: { PK: string; SK: string }): ItemType[] {
  const subject = `${key.PK} ${key.SK}`;
  return ITEM_TYPES.filter((type) => type.pattern.test(subject));
}
