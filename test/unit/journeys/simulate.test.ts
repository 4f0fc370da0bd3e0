import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { spreadOffsetMs } from '../../../shared/spread.js';
import { registerSimulate } from '../../../cli/commands/simulate.js';
import { UserError } from '../../../cli/errors.js';
import { loadCampaign, type Campaign } from '../../../shared/config/campaign.js';
import type { Journey } from '../../../shared/journeys/ast.js';
import { requireJourneys } from '../../../shared/journeys/campaign-journeys.js';
import { simulateJourney } from '../../../shared/journeys/simulation/simulate.js';
import { journeyFrom } from './journey-builders.js';
import { loadTemplates } from '../../../shared/channels/load-templates.js';
import { TemplateSet } from '../../../shared/channels/render.js';
import { runCli } from '../../cli-harness.js';

const EVENTS = 'test/fixtures/journeys/viewed-not-bought.jsonl';

const sadakat = (...args: string[]) => runCli([registerSimulate], args);

let templates: TemplateSet;

describe('simulateJourney', () => {
  let campaign: Campaign;
  let journeys: Journey[];
  let calls: unknown[];

  beforeAll(async () => {
    templates = await loadTemplates('campaign/templates');
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
      templates,
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
      templates,
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
      templates,
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
      templates,
      calls: calls.slice(0, 2),
      horizonMs: 21 * 86_400_000,
    });
    expect(result.sends.map((request) => request.visit)).toEqual([1, 2, 3, 4]);
  });
});

describe('simulateJourney decides each send as the send handler does', () => {
  // A template without a default for the first name, as the examples had before issue 18.
  const hello = new TemplateSet({
    'hello/subject.liquid': 'Hi {{ profile.name.first }}',
    'hello/html.liquid': '<p>Hi {{ profile.name.first }}</p><a href="{{ unsubscribe_url }}">Unsubscribe</a>',
    'hello/text.liquid': 'Hi {{ profile.name.first }}\nUnsubscribe: {{ unsubscribe_url }}',
  });
  const journey = journeyFrom(
    'id: hello\ntrigger: { event: Product Viewed }\nentry: { reentry: always }\nsteps:\n  - id: hi\n    send: { channel: email, template: hello }\n',
  );
  const identify = (userId: string, at: string, traits: Record<string, unknown>) => ({
    type: 'identify',
    messageId: `id-${userId}-${at}`,
    userId,
    timestamp: at,
    traits: { email: `${userId}@example.com`, consent: { email: true }, ...traits },
  });
  const viewed = (userId: string, at: string) => ({
    type: 'track',
    messageId: `pv-${userId}-${at}`,
    userId,
    event: 'Product Viewed',
    timestamp: at,
    properties: { product_id: 'p1' },
  });
  const simulate = async (calls: unknown[]) => {
    const campaign = await loadCampaign('campaign');
    return simulateJourney({
      journey,
      settings: campaign.settings,
      segments: campaign.segments,
      templates: hello,
      calls,
    });
  };
  const outcomes = (result: Awaited<ReturnType<typeof simulate>>) =>
    result.decisions.map(({ at, request, result: outcome }) => [
      request.customerId,
      at,
      outcome.kind === 'done' ? outcome.reason : outcome.cause,
      outcome.detail,
    ]);

  it('refuses a customer without a first name as missing_variable, naming the variable', async () => {
    // Act: 12:00 in Istanbul (09:00 UTC), outside quiet hours.
    const result = await simulate([
      identify('ayse', '2026-11-02T09:00:00Z', { firstName: 'Ayşe' }),
      identify('noname', '2026-11-02T09:00:00Z', {}),
      viewed('ayse', '2026-11-02T09:01:00Z'),
      viewed('noname', '2026-11-02T09:01:00Z'),
    ]);

    // Assess
    expect(outcomes(result)).toEqual([
      ['ayse', '2026-11-02T09:01:00.000Z', 'sent', undefined],
      ['noname', '2026-11-02T09:01:00.000Z', 'missing_variable', 'profile.name.first'],
    ]);
  });

  it("defers a send in quiet hours and decides it again when they end, in the customer's timezone", async () => {
    // Act: 22:30 in New York is in the 21:00–09:00 quiet hours; they end at 09:00 there (14:00 UTC).
    const result = await simulate([
      identify('john', '2026-11-03T03:00:00Z', { firstName: 'John', timezone: 'America/New_York' }),
      viewed('john', '2026-11-03T03:30:00Z'),
    ]);

    // Assess: released at john's offset within the 30-minute spread after 09:00 (decision 177)
    const released = new Date(Date.parse('2026-11-03T14:00:00.000Z') + spreadOffsetMs('john', 30)).toISOString();
    expect(outcomes(result)).toEqual([
      ['john', '2026-11-03T03:30:00.000Z', 'deferred', undefined],
      ['john', released, 'sent', undefined],
    ]);
    expect(result.timezones.get('john')).toBe('America/New_York');
    expect(result.deferred).toEqual([]);
  });

  it('stops at the frequency cap as the pipeline counts it', async () => {
    // Act: settings cap email at one a day; the journey re-enters on every view.
    const result = await simulate([
      identify('ayse', '2026-11-02T09:00:00Z', { firstName: 'Ayşe' }),
      viewed('ayse', '2026-11-02T09:01:00Z'),
      viewed('ayse', '2026-11-02T10:01:00Z'),
    ]);

    // Assess
    expect(outcomes(result).map(([, , reason]) => reason)).toEqual(['sent', 'frequency_cap']);
  });
});

describe('sadakat simulate', () => {
  it("prints each customer's path with times and what would be sent", async () => {
    const { stdout, error } = await sadakat('simulate', '--journey', 'viewed-not-bought', '--events', EVENTS);
    expect(error).toBeUndefined();
    // Times on the customer's own clock (the campaign's Europe/Istanbul here), labelled with the offset.
    expect(stdout).toMatch(/customer ayse \(times in Europe\/Istanbul\)\n {2}2026-11-02 12:05 \+03:00 {2}entered/);
    expect(stdout).toMatch(/2026-11-02 14:05 \+03:00 .*→ would send email vnb-(reminder|discount)/);
    expect(stdout).toContain('2 customers entered, 1 message would be sent, 0 refused, 0 skipped as holdout');
    for (const line of stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
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
    const templates = await loadTemplates('campaign/templates');
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
      templates,
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
      decisions: { customerId: string; outcome: string }[];
    };
    expect(Object.keys(parsed.customers).sort()).toEqual(['ayse', 'mehmet']);
    expect(parsed.customers.ayse?.[0]?.kind).toBe('entered');
    expect(parsed.sends.map((request) => request.customerId)).toEqual(['ayse']);
    expect(parsed.decisions).toEqual([
      expect.objectContaining({ customerId: 'ayse', outcome: 'sent', channel: 'email' }),
    ]);
  });
});
