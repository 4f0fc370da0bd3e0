/**
 * `sadakat stats compare --control 5/83 --variant 12/99 [--variant ...] [--mde 0.02] [--prior flat|pooled]`:
 * the A/B report's statistics from counts typed in (DESIGN "Measurement"), before journeys
 * record any. json: for one variant a flat object {z, pValue, ciControl, ciVariant,
 * probabilityToBeatControl, power, verdict}; for several, an array of those with `variant` and
 * `pValueHolm`. `--prior pooled` adds `prior` (the shared Beta prior) and makes
 * probabilityToBeatControl null while both arms have fewer than 5 conversions; the default flat
 * Beta(1, 1) keeps what scripts have always read.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { compare, type Arm, type VariantComparison } from '../../shared/measurement/compare.js';
import { MINIMUM_SAMPLE } from '../../shared/measurement/verdict.js';
import type { RateInterval } from '../../shared/measurement/wilson-interval.js';
import { UserError } from '../errors.js';
import { outputFormat } from '../options.js';
import { formatTable, outputWidth, wrapLine } from '../text-table.js';

type StatsFormat = 'table' | 'json';

/** `--mde`'s default: two percentage points, as `stats compare` has always used. */
const DEFAULT_MDE = 0.02;

interface CompareCommandOptions {
  control: Arm;
  variant: Arm[];
  mde: number;
  prior: 'flat' | 'pooled';
  format: StatsFormat;
}

export function registerStats(program: Command): void {
  const stats = program.command('stats').description('A/B statistics from conversion counts');
  stats
    .command('compare')
    .description(
      'compare variants with a control: Wilson intervals, pooled z-test, Holm, P(beat control), power, verdict',
    )
    .requiredOption('--control <conversions/assigned>', 'control arm, e.g. 5/83', (value: string) =>
      parseArm(value, 'control'),
    )
    .requiredOption(
      '--variant <[label=]conversions/assigned>',
      'a variant, e.g. 12/99 or B=12/99; repeat for several',
      (value: string, previous: Arm[] | undefined) => [
        ...(previous ?? []),
        parseArm(value, `variant ${(previous?.length ?? 0) + 1}`),
      ],
    )
    .option(
      '--mde <rate>',
      'minimum detectable effect for the power figure, absolute (0.02 = 2 points)',
      minimumDetectableEffect,
      DEFAULT_MDE,
    )
    .option(
      '--prior <prior>',
      'P(beat control): flat = independent Beta(1,1), exact; pooled = one weak prior centred on the pooled rate (as the report)',
      outputFormat<'flat' | 'pooled'>('flat', 'pooled'),
      'flat',
    )
    .option('--format <format>', 'table or json', outputFormat<StatsFormat>('table', 'json'), 'table')
    .action((options: CompareCommandOptions) => {
      const labels = new Set<string>([options.control.label]);
      for (const variant of options.variant) {
        if (labels.has(variant.label))
          throw new UserError(`--variant: label "${variant.label}" is used twice; give each arm its own label`);
        labels.add(variant.label);
      }
      let comparisons: VariantComparison[];
      try {
        comparisons = compare(options.control, options.variant, {
          minimumDetectableEffect: options.mde,
          prior: options.prior,
        }).variants;
      } catch (error) {
        // Counts are checked while parsing; what the statistics can still reject is an MDE that leaves [0, 1] around the control's rate.
        if (error instanceof RangeError) throw new UserError(`--mde: ${error.message}`);
        throw error;
      }
      process.stdout.write(
        options.format === 'json'
          ? renderJson(comparisons)
          : renderTable(options.control, options.variant, comparisons, options.mde),
      );
    });
}

/** `[label=]conversions/assigned` with whole numbers, 0 ≤ conversions ≤ assigned, assigned ≥ 1. */
export function parseArm(value: string, defaultLabel: string): Arm {
  const match = /^(?:([^=]+)=)?\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected conversions/assigned as whole numbers, e.g. 12/99');
  const conversions = Number(match[2]);
  const assigned = Number(match[3]);
  if (!Number.isSafeInteger(conversions) || !Number.isSafeInteger(assigned))
    throw new InvalidArgumentError('counts are too large');
  if (assigned < 1) throw new InvalidArgumentError('assigned must be at least 1');
  if (conversions > assigned)
    throw new InvalidArgumentError(`conversions (${conversions}) exceed assigned customers (${assigned})`);
  return { label: match[1]?.trim() || defaultLabel, conversions, assigned };
}

function minimumDetectableEffect(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0 || parsed > 1) {
    throw new InvalidArgumentError('expected an absolute rate difference in (0, 1], e.g. 0.02');
  }
  return parsed;
}

function renderJson(comparisons: readonly VariantComparison[]): string {
  const objects = comparisons.map((c) => ({
    variant: c.variant,
    z: c.z,
    pValue: c.pValue,
    pValueHolm: c.pValueHolm,
    ciControl: c.ciControl,
    ciVariant: c.ciVariant,
    probabilityToBeatControl: c.probabilityToBeatControl,
    power: c.power,
    verdict: c.verdict,
    ...(c.prior ? { prior: c.prior } : {}),
  }));
  const [only] = objects;
  if (objects.length === 1 && only) {
    const { variant: _variant, pValueHolm: _pValueHolm, ...flat } = only;
    return `${JSON.stringify(flat, null, 2)}\n`;
  }
  return `${JSON.stringify(objects, null, 2)}\n`;
}

function renderTable(
  control: Arm,
  variants: readonly Arm[],
  comparisons: readonly VariantComparison[],
  mde: number,
): string {
  const several = comparisons.length > 1;
  const header = [
    'arm',
    'converted',
    'rate',
    '95% CI',
    'z',
    'p',
    ...(several ? ['p (Holm)'] : []),
    'P(beat control)',
    'power',
    'verdict',
  ];
  const first = comparisons[0];
  const rows: (string | number)[][] = [
    [
      control.label,
      `${control.conversions}/${control.assigned}`,
      percent(first?.ciControl?.rate),
      interval(first?.ciControl ?? null),
      '',
      '',
      ...(several ? [''] : []),
      '',
      '',
      '',
    ],
  ];
  for (const [index, c] of comparisons.entries()) {
    const arm = variants[index];
    rows.push([
      c.variant,
      arm ? `${arm.conversions}/${arm.assigned}` : '',
      percent(c.ciVariant?.rate),
      interval(c.ciVariant),
      fixed(c.z, 3),
      pValue(c.pValue),
      ...(several ? [pValue(c.pValueHolm)] : []),
      percent(c.probabilityToBeatControl ?? undefined),
      percent(c.power ?? undefined),
      c.verdict,
    ]);
  }
  const notes = [
    `z is control minus variant (pooled); power is to detect ${percentagePoints(mde)} from the control's rate at these sizes.`,
    ...(comparisons.some((c) => c.verdict === 'not_enough_data')
      ? [
          `not_enough_data: fewer than ${MINIMUM_SAMPLE.assignedPerArm} assigned per arm or ${MINIMUM_SAMPLE.conversionsInBothArms} conversions in control and variant together.`,
        ]
      : []),
  ];
  return `${formatTable(header, rows) + notes.map((note) => wrapLine(note, outputWidth(undefined))).join('\n')}\n`;
}

function percent(value: number | undefined): string {
  return value === undefined ? '' : `${(100 * value).toFixed(1)}%`;
}

function interval(ci: RateInterval | null): string {
  return ci ? `${percent(ci.lower)} – ${percent(ci.upper)}` : '';
}

function fixed(value: number | null, digits: number): string {
  return value === null ? '' : value.toFixed(digits);
}

function pValue(value: number | null): string {
  if (value === null) return '';
  return value < 0.0001 ? '< 0.0001' : value.toFixed(4);
}

function percentagePoints(rate: number): string {
  return `${Number((100 * rate).toFixed(4))} percentage points`;
}
