import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { registerValidate } from '../../../cli/commands/validate.js';
import { runCli } from '../../cli-harness.js';

describe('sadakat validate', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('fails on a folder that does not exist instead of printing OK', async () => {
    // Prepare
    const missing = join(tmpdir(), 'sadakat-nowhere');
    // Act
    const run = await runCli([registerValidate], ['validate', '--campaign', missing]);
    // Assess
    expect(process.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${missing}:1:1: no such campaign folder\n1 problem in ${missing}\n`);
  });

  it('prints JSON for CI: ok, summaries, errors and warnings, each located', async () => {
    // Act
    const run = await runCli([registerValidate], ['validate', '--campaign', 'campaign', '--format', 'json']);
    // Assess
    expect(process.exitCode ?? 0).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      campaign: 'campaign',
      ok: true,
      summaries: [
        'settings.yaml: ok',
        'segments.yaml: 11 segments',
        'journeys/: 7 journeys',
        `templates/: ${exampleTemplates()} templates`,
      ],
      errors: [],
      warnings: [],
    });
  });

  it('still takes the old positional folder and --dir, with a note to use --campaign', async () => {
    // Act
    const positional = await runCli([registerValidate], ['validate', 'campaign']);
    const dir = await runCli([registerValidate], ['validate', '--dir', 'campaign']);
    // Assess
    expect(positional.stdout).toMatch(/^campaign: OK\n/);
    expect(positional.stderr).toMatch(/positional campaign folder is deprecated, use --campaign campaign/);
    expect(dir.stdout).toMatch(/^campaign: OK\n/);
    expect(dir.stderr).toMatch(/--dir is deprecated, use --campaign/);
  });
});

/** The example campaign's template folders (other work adds some). */
function exampleTemplates(): number {
  return readdirSync('campaign/templates', { withFileTypes: true }).filter((entry) => entry.isDirectory()).length;
}
