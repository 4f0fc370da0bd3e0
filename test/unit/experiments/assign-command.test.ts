import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerAssign } from '../../../cli/commands/assign.js';
import { UserError } from '../../../cli/errors.js';
import { assignVariant } from '../../../shared/experiments/assign.js';
import { runCli } from '../../cli-harness.js';

const sadakat = (...args: string[]) => runCli([registerAssign], args);

async function idsFile(text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'sadakat-assign-')), 'ids.txt');
  await writeFile(path, text);
  return path;
}

describe('sadakat assign', () => {
  it('prints id,variantIndex for each non-empty line, as journeys assign', async () => {
    // Prepare
    const ids = ['u1', 'u2', 'ayşe@example.com'];
    const file = await idsFile(`${ids.join('\n')}\n\n`);
    // Act
    const { stdout, error } = await sadakat('assign', '--experiment', 'vnb-offer', '--weights', '70,30', '--ids', file);
    // Assess
    expect(error).toBeUndefined();
    expect(stdout).toBe(
      ids.map((id) => `${id},${assignVariant({ key: 'vnb-offer', weights: [70, 30] }, id)}\n`).join(''),
    );
  });

  it('prints -1 for ids outside the coverage', async () => {
    const file = await idsFile(Array.from({ length: 200 }, (_, i) => `c${i}`).join('\n'));
    const { stdout, stderr } = await sadakat('assign', '--experiment', 'x', '--coverage', '0.1', '--ids', file);
    expect(stdout).toContain(',-1\n');
    // and says what -1 means, on stderr so the CSV stays clean
    expect(stderr).toMatch(/-1 means outside the experiment: \d+ id\(s\) fall beyond --coverage 0\.1/);
  });

  it('uses --seed instead of the key when given', async () => {
    const file = await idsFile(Array.from({ length: 50 }, (_, i) => `c${i}`).join('\n'));
    const seeded = await sadakat('assign', '--experiment', 'x', '--seed', 'other', '--ids', file);
    const expected = Array.from(
      { length: 50 },
      (_, i) => `c${i},${assignVariant({ key: 'x', seed: 'other', weights: [50, 50] }, `c${i}`)}\n`,
    ).join('');
    expect(seeded.stdout).toBe(expected);
  });

  it('rejects weights that are not numbers with the option named', async () => {
    const file = await idsFile('a\n');
    const { error, stderr } = await sadakat('assign', '--experiment', 'x', '--weights', '50,abc', '--ids', file);
    expect(error).toBeDefined();
    expect(stderr).toMatch(/--weights.*expected numbers ≥ 0/);
  });

  it('reports an unreadable ids file as a user error', async () => {
    const { error } = await sadakat('assign', '--experiment', 'x', '--ids', '/nonexistent/ids.txt');
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/--ids: cannot read/);
  });
});
