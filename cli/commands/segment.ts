/**
 * `sadakat segment test <id> --profile p.json`: does this profile match, and which clause decided
 * (the reference interpreter explains itself; the compiled rule must agree).
 * `sadakat segment size <id>`: how many profiles of the local data folder match now.
 */
import { withClvOnRead } from '../../shared/analytics/clv-on-read.js';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadSettings } from '../../shared/config/load-settings.js';
import type { Settings } from '../../shared/config/settings.js';
import { formatLocatedError } from '../../shared/config/located-error.js';
import { emptyProfile, profileSchema, type Profile } from '../../shared/profiles/schema.js';
import { loadSegments, type SegmentsResult } from '../../shared/segments/load-segments.js';
import { explainRule, type Explanation } from '../../shared/segments/interpret.js';
import { scanProfiles } from '../../shared/aws/dynamo-profile-scan.js';
import type { EngineChoice } from '../../shared/local/data-dir.js';
import { UserError } from '../errors.js';
import { openLocalData } from '../local-data.js';
import { campaignOption, formatOption, localCampaignOptions } from '../options.js';

export function registerSegment(program: Command): void {
  const segment = program.command('segment').description('try segment rules on profiles');
  const test = segment.command('test');
  campaignOption(test);
  test
    .description('evaluate one segment on a profile (JSON) and show which clause decided')
    .argument('<segment>', 'segment id')
    .requiredOption(
      '--profile <file>',
      'profile JSON (e.g. from `sadakat profile <id>`); missing top-level fields default to empty',
    )
    .option('--now <iso>', 'evaluate at this time (ISO-8601) instead of now')
    .action(async (id: string, options: { profile: string; campaign: string; now?: string }) => {
      const nowMs = parseNow(options.now);
      const { definitions, compiled, settings } = await loadCampaignSegments(options.campaign);
      const definition = definitions.find((candidate) => candidate.id === id);
      if (!definition)
        throw new UserError(
          `no segment "${id}" in ${options.campaign}/segments.yaml (segments: ${definitions.map((d) => d.id).join(', ')})`,
        );
      // CLV figures as rules see them: computed for the day of --now (decision 225).
      const profile = withClvOnRead(await readProfile(options.profile, nowMs), nowMs, settings.defaultTimezone);
      const explanation = explainRule(definition.rule, profile, nowMs, new Map(definitions.map((d) => [d.id, d])));
      const fast = compiled.byId.get(id)?.test(profile, nowMs);
      if (fast !== explanation.result)
        throw new Error(`compiled rule and interpreter disagree on "${id}" (please report this)`);
      process.stdout.write(formatExplanation(id, explanation, new Date(nowMs).toISOString()));
    });
  const size = segment.command('size');
  localCampaignOptions(size);
  formatOption(size, 'table', 'json');
  size
    .description('count the profiles in the local data folder that match a segment now')
    .argument('<segment>', 'segment id')
    .option('--now <iso>', 'evaluate at this time (ISO-8601) instead of now')
    .action(
      async (
        id: string,
        options: { campaign: string; dataDir: string; engine: EngineChoice; now?: string; format: 'table' | 'json' },
      ) => {
        const nowMs = parseNow(options.now);
        const { compiled } = await loadCampaignSegments(options.campaign);
        const rule = compiled.byId.get(id);
        if (!rule)
          throw new UserError(
            `no segment "${id}" in ${options.campaign}/segments.yaml (segments: ${[...compiled.byId.keys()].join(', ')})`,
          );
        const runtime = await openLocalData(options);
        try {
          const scan = scanProfiles(runtime.doc, runtime.tableName, undefined, new Date(nowMs));
          let total = 0;
          let members = 0;
          for await (const profile of scan.profiles) {
            total++;
            if (rule.test(profile, nowMs)) members++;
          }
          if (total === 0)
            throw new UserError(`no profiles in ${options.dataDir} (run \`sadakat demo\` or \`sadakat serve\` first)`);
          const share = ((100 * members) / total).toFixed(1);
          const skipped = scan.invalid() > 0 ? ` (${scan.invalid()} unreadable profiles skipped)` : '';
          const at = new Date(nowMs).toISOString();
          process.stdout.write(
            options.format === 'json'
              ? `${JSON.stringify({ segment: id, members, profiles: total, unreadable: scan.invalid(), at })}\n`
              : `${id}: ${members.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} profiles (${share}%) at ${at}${skipped}\n`,
          );
        } finally {
          await runtime.stop();
        }
      },
    );
}

async function loadCampaignSegments(
  dir: string,
): Promise<Extract<SegmentsResult, { ok: true }> & { settings: Settings }> {
  const settings = await loadSettings(dir);
  if (!settings.ok)
    throw new UserError(`invalid campaign settings:\n${settings.errors.map(formatLocatedError).join('\n')}`);
  const segments = await loadSegments(dir, settings.settings);
  if (!segments.ok) throw new UserError(`invalid segments:\n${segments.errors.map(formatLocatedError).join('\n')}`);
  return { ...segments, settings: settings.settings };
}

function parseNow(text: string | undefined): number {
  if (text === undefined) return Date.now();
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UserError(`--now: "${text}" is not an ISO-8601 time (e.g. 2026-05-10T12:00:00Z)`);
  return ms;
}

async function readProfile(file: string, nowMs: number): Promise<Profile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `not JSON (${(error as Error).message})`;
    throw new UserError(`--profile ${file}: ${reason}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new UserError(`--profile ${file}: expected a JSON object (a profile)`);
  const base = emptyProfile(String((raw as { id?: unknown }).id ?? 'test-profile'), new Date(nowMs).toISOString());
  const parsed = profileSchema.safeParse({ ...base, ...raw });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(profile)'}: ${issue.message}`);
    throw new UserError(`--profile ${file} is not a valid profile:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

export function formatExplanation(id: string, explanation: Explanation, at: string): string {
  const lines = [`${id}: ${explanation.result ? 'MATCH' : 'no match'} (at ${at})`];
  const deciding: Explanation[] = [];
  const render = (node: Explanation, depth: number, onDecidingPath: boolean): void => {
    const decides = onDecidingPath && node.decisive;
    const mark = node.result ? '✓' : '✗';
    const observed = node.observed ? `   [${node.observed}]` : '';
    lines.push(
      `${'  '.repeat(depth + 1)}${mark} ${node.clause}${observed}${decides && node.children.length === 0 ? '   ← decided' : ''}`,
    );
    if (decides && node.children.length === 0) deciding.push(node);
    for (const child of node.children) render(child, depth + 1, decides);
  };
  render(explanation, 0, true);
  lines.push(
    `decided by: ${deciding.map((node) => `${node.clause}${node.observed ? ` [${node.observed}]` : ''}`).join('; ')}`,
  );
  return `${lines.join('\n')}\n`;
}
