/**
 * Issue 15, "Ports are found in one place": every interface an adapter implements is exported from
 * shared/ports.ts, the composition roots' adapter list takes its ports from there only, and no
 * test-only code ships in shared/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const tsFiles = (dir: string): string[] =>
  readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(dir, name));

/** Names exported by shared/ports.ts: its own declarations and its `export type { … } from` lists. */
function portsExports(): Set<string> {
  const source = read('shared/ports.ts');
  const names = new Set<string>();
  for (const match of source.matchAll(/export (?:interface|type|class|const) (\w+)/g)) names.add(match[1]!);
  for (const match of source.matchAll(/export type \{([^}]*)\}/g)) {
    for (const name of match[1]!.split(',')) if (name.trim()) names.add(name.trim());
  }
  return names;
}

/** `implements A, B<…>` clauses of the classes in `files`, as (file, interface) pairs. */
function implemented(files: readonly string[]): { file: string; port: string }[] {
  return files.flatMap((file) =>
    [...read(file).matchAll(/class \w+(?:<[^>]*>)? implements ([\w\s,<>]+?)\s*\{/g)].flatMap((match) =>
      match[1]!
        .replace(/<[^>]*>/g, '')
        .split(',')
        .map((port) => ({ file, port: port.trim() })),
    ),
  );
}

describe('ports in one place', () => {
  it('exports from shared/ports.ts every interface an AWS or local adapter implements', () => {
    const exported = portsExports();
    const pairs = implemented([...tsFiles('shared/aws'), ...tsFiles('shared/local')]);
    expect(pairs.length).toBeGreaterThan(30);
    expect(pairs.filter(({ port }) => !exported.has(port))).toEqual([]);
  });

  it('exports from shared/ports.ts every interface a test fake implements', () => {
    const exported = portsExports();
    expect(implemented(tsFiles('test/fakes')).filter(({ port }) => !exported.has(port))).toEqual([]);
  });

  it('builds the runtimes adapter list (shared/wiring/adapters.ts) from shared/ports.ts alone', () => {
    const imports = [...read('shared/wiring/adapters.ts').matchAll(/from '([^']+)'/g)].map((match) => match[1]);
    expect(imports).toEqual(['../ports.js']);
  });

  it('keeps fault injection out of the shipped tree', () => {
    expect(tsFiles('shared').filter((file) => /fault|fake/i.test(file))).toEqual([]);
  });
});
