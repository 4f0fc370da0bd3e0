/**
 * Runs `sadakat <args>` in-process on a program holding only the given commands, and returns
 * what it printed (stdout; stderr from commander and from the command) or what it threw.
 */
import { Command } from 'commander';
import { vi } from 'vitest';

export interface CliRun {
  stdout: string;
  stderr: string;
  error?: unknown;
}

export async function runCli(
  register: readonly ((program: Command) => void)[],
  args: readonly string[],
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const program = new Command().exitOverride().configureOutput({ writeErr: (text) => (stderr += text) });
  for (const add of register) add(program);
  try {
    await program.parseAsync(['node', 'sadakat', ...args]);
    return { stdout, stderr };
  } catch (error) {
    return { stdout, stderr, error };
  } finally {
    vi.restoreAllMocks();
  }
}

/** The widest line of terminal output, in characters: tables and notes must fit 100 columns when piped. */
export function widestLine(text: string): number {
  return Math.max(0, ...text.split('\n').map((line) => [...line].length));
}
