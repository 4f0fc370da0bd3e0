/**
 * One vocabulary for every command (issue 18, finding 10–12): --campaign and --data-dir with the
 * old spellings hidden, --format, required options marked, --version, one engine default, port
 * errors in one line, read commands that never create a data folder.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCommands } from '../../cli/commands/index.js';

const run = promisify(execFile);
const sadakat = (args: string[]) =>
  run(process.execPath, ['bin/sadakat.js', ...args], { env: { ...process.env, FORCE_COLOR: '0' } }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );

/** Every leaf command of the program, with its path (`import orders`). */
async function leafCommands(): Promise<{ path: string; command: Command }[]> {
  const program = new Command();
  await registerCommands(program);
  const out: { path: string; command: Command }[] = [];
  const walk = (command: Command, prefix: string): void => {
    for (const child of command.commands) {
      const path = `${prefix}${child.name()}`;
      if (child.commands.length > 0) walk(child, `${path} `);
      else out.push({ path, command: child });
    }
  };
  walk(program, '');
  return out;
}

describe('the CLI vocabulary', () => {
  it('names the campaign folder --campaign and the data folder --data-dir in every command, old spellings hidden', async () => {
    const commands = await leafCommands();
    const flags = commands.flatMap(({ path, command }) =>
      command.options.filter((option) => !option.hidden).map((option) => ({ path, flag: option.long })),
    );
    expect(flags.filter(({ flag }) => flag === '--dir' || flag === '--campaign-dir')).toEqual([]);
    // `export --out DIR` is issue 23's contract: the folder the files go to.
    expect(flags.filter(({ flag, path }) => flag === '--out' && path !== 'report' && path !== 'export')).toEqual([]);
    for (const { command } of commands) {
      const engine = command.options.find((option) => option.long === '--engine');
      if (engine) expect(engine.defaultValue).toBe('dynalite');
      const format = command.options.find((option) => option.long === '--format');
      if (format && !['clv predict', 'assign'].includes(command.name())) expect(format.description).toMatch(/json/);
    }
  });

  it('marks required options in --help (clv predict --weeks) and prints --version', async () => {
    const help = await sadakat(['clv', 'predict', '--help']);
    const version = await sadakat(['--version']);
    expect(help.stdout).toMatch(/--weeks <n>\s+\(required\) horizon/);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  }, 60_000);

  it('answers a bad or busy port with one line naming the fix, no stack trace', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'sadakat-port-')), 'data');
    const bad = await sadakat(['serve', '--port', '99999', '--data-dir', dataDir]);
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const taken = await sadakat(['serve', '--port', String(port), '--data-dir', dataDir, '--no-journeys']);
      expect(bad.code).toBe(1);
      expect(bad.stderr.split('\n')[0]).toMatch(/--port.*99999.*expected a port number from 0 to 65535/);
      expect(taken.code).toBe(4);
      expect(taken.stderr).toMatch(new RegExp(`--port ${port}: the port is in use .* pass another --port`));
      for (const output of [bad.stderr, taken.stderr]) expect(output).not.toMatch(/\n\s+at |unexpected error/);
    } finally {
      busy.close();
    }
  }, 120_000);

  it('does not create a data folder when a read command is pointed at a missing one', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'sadakat-read-')), 'nowhere');
    const results = [
      await sadakat(['profile', 'c-1', '--data-dir', dataDir]),
      await sadakat(['report', '--format', 'html', '--data-dir', dataDir]),
      await sadakat(['segment', 'size', 'new_customers', '--data-dir', dataDir]),
    ];
    for (const result of results) {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/no local data in .*nowhere/);
    }
    expect(existsSync(dataDir)).toBe(false);
  }, 120_000);
});
