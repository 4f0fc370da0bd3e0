import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerSimulate } from '../../../cli/commands/simulate.js';
import { UserError } from '../../../cli/errors.js';
import { loadCampaign, type Campaign } from '../../../shared/config/campaign.js';
import type { Journey } from '../../../shared/journeys/ast.js';
import { requireJourneys } from '../../../shared/journeys/campaign-journeys.js';
import { simulateJourney } from '../../../shared/journeys/simulation/simulate.js';
import { journeyFrom } from './journey-builders.js';
import { runCli } from '../../cli-harness.js';

const EVENTS = 'test/fixtures/journeys/viewed-not-bought.jsonl';

const sadakat = (...args: string[]) => runCli([registerSimulate], args);

describe('simulateJourney', () => {
  let campaign: Campaign;
  let journeys: Journey[];
  let calls: unknown[];

  beforeAll(async () => {
    campaign = await loadCampaign('campaign');
    journeys = await requireJourneys('campaign', campaign.settings, campaign.segments);
    calls = (await readFile(EVENTS, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
  });

  const vnb = () => journeys.find((journey) => journey.id === 'viewed-not-bought') as Journey;

  it('sends after the two-hour wait on the virtual clock, in the hashed variant', async () => {
    const result = await simulateJourney({
      journey: vnb(),
      settings: campaign.settings,
      segments: campaign.segments,
      calls,
    });
    expect(result.sends.map((request) => [request.customerId, request.requestedAt])).toEqual([
      ['ayse', '2026-11-02T11:05:00.000Z'],
    ]);
  });

  it('shows a customer who ordered leaving the journey with the goal reached', async () => {
    const result = await simulateJourney({
      journey: vnb(),
      settings: campaign.settings,
      segments: campaign.segments,
      calls,
    });
    const ends = (result.paths.get('mehmet') ?? []).flatMap((entry) =>
      entry.kind === 'effect' ? [entry.effect.kind] : [],
    );
    expect(ends).toEqual(['step', 'schedule-wake', 'goal', 'end']);
  });

  it('does not let customers outside the entry segment in', async () => {
    const result = await simulateJourney({
      journey: vnb(),
      settings: campaign.settings,
      segments: campaign.segments,
      calls,
    });
    expect(result.paths.has('nobody-consented')).toBe(false);
  });

  it('walks a loop with waits until the horizon and no further', async () => {
    const loop = journeyFrom(
      'id: loop\ntrigger: { event: Product Viewed }\nentry: { reentry: always }\nsteps:\n  - id: ping\n    send: { channel: email, template: t }\n  - wait: 7d\n    next: ping\n',
    );
    const result = await simulateJourney({
      journey: loop,
      settings: campaign.settings,
      segments: campaign.segments,
      calls: calls.slice(0, 2),
      horizonMs: 21 * 86_400_000,
    });
    expect(result.sends.map((request) => request.visit)).toEqual([1, 2, 3, 4]);
  });
});

describe('sadakat simulate', () => {
  it("prints each customer's path with times and what would be sent", async () => {
    const { stdout, error } = await sadakat('simulate', '--journey', 'viewed-not-bought', '--events', EVENTS);
    expect(error).toBeUndefined();
    expect(stdout).toMatch(/customer ayse\n {2}2026-11-02 09:05 UTC {2}entered/);
    expect(stdout).toMatch(/2026-11-02 11:05 .*would send email template vnb-(reminder|discount)/);
    expect(stdout).toContain('2 customers entered, 1 message would be sent');
  });

  it('names the journeys that exist when the id is unknown', async () => {
    const { error } = await sadakat('simulate', '--journey', 'nope', '--events', EVENTS);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/no journey "nope".*viewed-not-bought/);
  });
});

describe('simulateJourney with a schedule trigger', () => {
  it('starts each audience member at the cron time in their own timezone', async () => {
    // Prepare
    const campaign = await loadCampaign('campaign');
    const weekly = journeyFrom(
      'id: weekly\ntrigger: { schedule: "0 10 * * MON", audience: email_reachable }\nentry: { reentry: never }\nsteps:\n  - send: { channel: email, template: t }\n',
    );
    const calls = (await readFile('test/fixtures/journeys/win-back.jsonl', 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    // Act
    const result = await simulateJourney({
      journey: weekly,
      settings: campaign.settings,
      segments: campaign.segments,
      calls,
      horizonMs: 2 * 86_400_000,
    });
    // Assess: Monday 10:00 is 07:00 UTC in Istanbul and 15:00 UTC in New York (EST).
    expect(result.sends.map((request) => [request.customerId, request.requestedAt])).toEqual([
      ['zeynep', '2026-03-02T07:00:00.000Z'],
      ['john', '2026-03-02T15:00:00.000Z'],
    ]);
  });
});

describe('sadakat simulate --format json', () => {
  it('prints the paths and the requests as JSON', async () => {
    const { stdout } = await sadakat(
      'simulate',
      '--journey',
      'viewed-not-bought',
      '--events',
      EVENTS,
      '--format',
      'json',
    );
    const parsed = JSON.parse(stdout) as {
      customers: Record<string, { kind: string }[]>;
      sends: { customerId: string }[];
    };
    expect(Object.keys(parsed.customers).sort()).toEqual(['ayse', 'mehmet']);
    expect(parsed.customers.ayse?.[0]?.kind).toBe('entered');
    expect(parsed.sends.map((request) => request.customerId)).toEqual(['ayse']);
  });
});
