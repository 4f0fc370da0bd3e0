/**
 * The table's ports with some of them wrapped (serve's trace; in tests fault injection, a buggy or
 * counting store), the wrappers kept when a writer's composition root asks for its retention
 * policy: composeProcessDeps calls `table.withRetention(…)`, which builds the ports anew from the
 * engine, so a plain `{ ...stored, profiles }` would lose the wrapper there without a word.
 */
import type { TableAdapters } from './adapters.js';

export function wrappedTable(
  stored: TableAdapters,
  wrap: (table: TableAdapters) => Partial<TableAdapters>,
): TableAdapters {
  return {
    ...stored,
    ...wrap(stored),
    withRetention: (policy) => wrappedTable(stored.withRetention(policy), wrap),
  };
}
