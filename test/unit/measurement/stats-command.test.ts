import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { registerStats } from '../../../cli/commands/stats.js';
import { UserError } from '../../../cli/errors.js';
import { runCli, widestLine } from '../../cli-harness.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const sadakat = (...args: string[]) => runCli([registerStats], args);

describe('sadakat stats compare', () => {
  it('prints one variant as a flat JSON object with exactly the report fields', async () => {
    const { stdout } = await sadakat('stats', 'compare', '--control', '5/83', '--variant', '12/99', '--format', 'json');

    const parsed = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([
      'z',
      'pValue',
      'ciControl',
      'ciVariant',
      'probabilityToBeatControl',
      'power',
      'verdict',
    ]);
    expect(parsed.z).toBeCloseTo(-1.4078304151258787, 12);
    expect(parsed.pValue).toBeCloseTo(0.15918129181156992, 12);
    expect(parsed.ciControl).toEqual({
      rate: 5 / 83,
      lower: expect.closeTo(0.02600340104188201, 15) as number,
      upper: expect.closeTo(0.13338428093238414, 15) as number,
    });
    expect(parsed.verdict).toBe('not_enough_data');
  });

  it('gives P(beat control) from the pooled prior with --prior pooled, and says which prior', async () => {
    const flat = JSON.parse(
      (await sadakat('stats', 'compare', '--control', '1/100', '--variant', '19/1900', '--format', 'json')).stdout,
    ) as Record<string, unknown>;
    const pooled = JSON.parse(
      (
        await sadakat(
          'stats',
          'compare',
          '--control',
          '1/100',
          '--variant',
          '19/1900',
          '--prior',
          'pooled',
          '--format',
          'json',
        )
      ).stdout,
    ) as Record<string, unknown>;

    expect(flat.probabilityToBeatControl).toBeLessThan(0.3);
    expect(flat.prior).toBeUndefined();
    expect(pooled.probabilityToBeatControl).toBeCloseTo(0.5, 2);
    expect(pooled.prior).toMatchObject({ kind: 'pooled', pooledRate: 0.01, weight: 10 });
  });

  it('prints several variants as an array labelled by variant, with Holm-adjusted p-values', async () => {
    const { stdout } = await sadakat(
      'stats',
      'compare',
      '--control',
      '500/5000',
      '--variant',
      'B=565/5000',
      '--variant',
      '560/5000',
      '--format',
      'json',
    );

    const parsed = JSON.parse(stdout) as Record<string, unknown>[];
    expect(parsed.map((row) => Object.keys(row))).toEqual([
      [
        'variant',
        'z',
        'pValue',
        'pValueHolm',
        'ciControl',
        'ciVariant',
        'probabilityToBeatControl',
        'power',
        'verdict',
      ],
      [
        'variant',
        'z',
        'pValue',
        'pValueHolm',
        'ciControl',
        'ciVariant',
        'probabilityToBeatControl',
        'power',
        'verdict',
      ],
    ]);
    expect(parsed.map((row) => row.variant)).toEqual(['B', 'variant 2']);
    expect(parsed[0]?.pValueHolm).toBeCloseTo(2 * (parsed[0]?.pValue as number), 12);
    expect(parsed.map((row) => row.verdict)).toEqual(['inconclusive', 'inconclusive']);
  });

  it('uses the MDE it is given for the power figure', async () => {
    const power = async (...mde: string[]): Promise<number> => {
      const { stdout } = await sadakat(
        'stats',
        'compare',
        '--control',
        '400/4000',
        '--variant',
        '420/4000',
        ...mde,
        '--format',
        'json',
      );
      return (JSON.parse(stdout) as { power: number }).power;
    };

    expect(await power()).toBeCloseTo(0.8, 1); // settings' default, 0.02
    expect(await power('--mde', '0.05')).toBeGreaterThan(0.999);
  });

  it('prints a table with a row per arm and the reading of z', async () => {
    const { stdout } = await sadakat('stats', 'compare', '--control', '5/83', '--variant', '12/99');

    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^arm\s+converted\s+rate\s+95% CI\s+z\s+p\s+P\(beat control\)\s+power\s+verdict$/);
    expect(lines[1]).toMatch(/^control\s+5\/83\s+6\.0%\s+2\.6% – 13\.3%$/);
    expect(lines[2]).toMatch(
      /^variant 1\s+12\/99\s+12\.1%\s+7\.1% – 20\.0%\s+-1\.408\s+0\.1592\s+91\.4%\s+7\.9%\s+not_enough_data$/,
    );
    expect(stdout).toContain('z is control minus variant');
    expect(widestLine(stdout)).toBeLessThanOrEqual(100);
  });

  it.each([
    [
      '--control',
      '5/0',
      /option '--control <conversions\/assigned>' argument '5\/0' is invalid\. assigned must be at least 1/,
    ],
    [
      '--variant',
      '12/5',
      /option '--variant <\[label=\]conversions\/assigned>' argument '12\/5' is invalid\. conversions \(12\) exceed assigned customers \(5\)/,
    ],
    [
      '--variant',
      'abc',
      /option '--variant .*' argument 'abc' is invalid\. expected conversions\/assigned as whole numbers/,
    ],
    ['--mde', '0', /option '--mde <rate>' argument '0' is invalid\. expected an absolute rate difference in \(0, 1\]/],
  ])('rejects %s %s, naming the option', async (option, value, message) => {
    const args = { '--control': ['--control', '5/83'], '--variant': ['--variant', '12/99'], '--mde': [] as string[] };
    const rest = Object.entries(args).flatMap(([name, pair]) => (name === option ? [] : pair));

    const { error, stdout } = await sadakat('stats', 'compare', ...rest, option, value);

    expect(String(error)).toMatch(message);
    expect(stdout).toBe('');
  });

  it('turns an MDE that does not fit around the control’s rate into a UserError naming --mde', async () => {
    const { error } = await sadakat('stats', 'compare', '--control', '50/100', '--variant', '50/100', '--mde', '0.6');

    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(
      /^--mde: minimumDetectableEffect 0.6 leaves \[0, 1\] in both directions/,
    );
  });

  it('rejects two variants with the same label', async () => {
    const { error } = await sadakat(
      'stats',
      'compare',
      '--control',
      '5/83',
      '--variant',
      'B=1/10',
      '--variant',
      'B=2/10',
    );

    expect(error).toBeInstanceOf(UserError);
    expect(String(error)).toMatch(/label "B" is used twice/);
  });
});

describe('sadakat stats compare through the CLI entry point', { timeout: 30_000 }, () => {
  const run = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'cli/main.ts', ...args],
        { cwd: repoRoot },
        (error, stdout, stderr) => {
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
        },
      );
    });

  it('is registered on the program and prints JSON', async () => {
    const { code, stdout } = await run(
      'stats',
      'compare',
      '--control',
      '5/83',
      '--variant',
      '12/99',
      '--format',
      'json',
    );

    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { z: number }).z).toBeCloseTo(-1.4078304151258787, 12);
  });

  it('exits 1 with a one-line message and no stack for an impossible MDE', async () => {
    const { code, stdout, stderr } = await run(
      'stats',
      'compare',
      '--control',
      '50/100',
      '--variant',
      '50/100',
      '--mde',
      '0.6',
    );

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^sadakat: --mde: minimumDetectableEffect 0.6 leaves \[0, 1\] in both directions from the baseline 0.5\n$/,
    );
  });
});
