import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerPreview } from '../../../cli/commands/preview.js';
import { UserError } from '../../../cli/errors.js';

describe('sadakat preview', () => {
  let dir: string;
  let output: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sadakat-preview-'));
    output = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      output += String(chunk);
      return true;
    });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(...args: string[]): Promise<void> {
    const program = new Command().exitOverride();
    registerPreview(program);
    await program.parseAsync(['node', 'sadakat', 'preview', ...args]);
  }

  it('renders an SMS of the example campaign with its encoding and part count', async () => {
    await writeFile(join(dir, 'p.json'), JSON.stringify({ id: 'c1', name: { first: 'Ayşe' } }));
    await run('cart-reminder-sms', '--profile', join(dir, 'p.json'));
    expect(output).toMatch(/^Ayşe, /);
    expect(output).toMatch(/UCS-2, \d parts?\)/);
  });

  it('names the variable a send step lacks instead of printing a broken message', async () => {
    await writeFile(join(dir, 'p.json'), JSON.stringify({ id: 'c1' }));
    await expect(run('win-back', '--channel', 'email', '--profile', join(dir, 'p.json'))).rejects.toThrow(
      new UserError(
        "template win-back (email): vars.percent is not set (the send step's vars; give them with --vars); the send would be refused as missing_variable",
      ),
    );
    expect(output).toBe('');
  });

  it('greets a customer without a first name and shows the unsubscribe link (the example templates)', async () => {
    await writeFile(join(dir, 'p.json'), JSON.stringify({ id: 'c1' }));
    await run('welcome', '--profile', join(dir, 'p.json'));
    expect(output).toMatch(/^Subject: Welcome to Sadakat Demo Shop\n/);
    expect(output).toContain('Hi there,');
    expect(output).toContain('<a href="https://unsubscribe.example/u/PREVIEW">Unsubscribe</a>');
  });

  it('refuses a profile file that does not match the schema, naming the field', async () => {
    await writeFile(join(dir, 'p.json'), JSON.stringify({ id: 'c1', holdout: 'yes' }));
    await expect(run('welcome', '--profile', join(dir, 'p.json'))).rejects.toThrow(/holdout/);
  });
});
