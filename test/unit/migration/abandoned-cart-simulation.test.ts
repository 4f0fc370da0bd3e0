/**
 * Round trip: the imported abandoned-cart journey, played with `sadakat simulate` (the real engine
 * on a virtual clock, email opens given as engagement lines), walks every customer along the
 * activities a Pinpoint reading of the definition gives (pinpoint-reading.ts) and sends the same
 * messages at the same times: held out, each random branch, email opened within the evaluation
 * wait, opened too late, not opened.
 */
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSimulate } from '../../../cli/commands/simulate.js';
import { convertExport } from '../../../shared/migration/pinpoint/convert-export.js';
import { runCli } from '../../cli-harness.js';
import {
  abandonedCartJourney,
  cartEmailTemplate,
  cartSegment,
  cartSmsTemplate,
} from '../../fixtures/pinpoint/abandoned-cart.js';
import { walkPinpoint, type ParticipantStory } from '../../fixtures/pinpoint/pinpoint-reading.js';

const HOUR = 3_600_000;
const CUSTOMERS = Array.from({ length: 60 }, (_, index) => `c${index}`);

interface SimulatedEntry {
  at: string;
  kind: string;
  stepId?: string;
  experiment?: string;
  variant?: string;
  request?: { channel: 'email' | 'sms' | 'push'; holdout: boolean; requestedAt: string };
}
interface SimulateJson {
  customers: Record<string, SimulatedEntry[]>;
  rejected: { line: number; field: string; reason: string }[];
}

let dir: string;
let out: string;
/** Customer → when their email was opened, after the send (ms); absent: not opened. */
const opens = new Map<string, number>();
let firstRun: SimulateJson;
let result: SimulateJson;

async function simulate(lines: readonly object[]): Promise<SimulateJson> {
  const file = join(dir, 'events.jsonl');
  await writeFile(file, lines.map((line) => JSON.stringify(line)).join('\n'));
  const { stdout, error } = await runCli(
    [registerSimulate],
    ['simulate', '--journey', 'abandoned-cart', '--events', file, '--campaign', out, '--format', 'json'],
  );
  if (error) throw error;
  return JSON.parse(stdout) as SimulateJson;
}

function assigned(customerId: string, experiment: string): string | undefined {
  return (result.customers[customerId] ?? []).find(
    (entry) => entry.kind === 'assign' && entry.experiment === experiment,
  )?.variant;
}

/** The customer's story as Pinpoint would have seen it, from sadakat's own assignments and the opens given. */
function storyOf(customerId: string): ParticipantStory {
  const open = opens.get(customerId);
  return {
    heldOut: assigned(customerId, 'abandoned-cart-holdout1') === 'holdout',
    randomBranch: Number(assigned(customerId, 'abandoned-cart-split1')?.replace('branch-', '')) - 1,
    ...(open !== undefined ? { openedAfterMs: { CartEmail: open } } : {}),
  };
}

/** Activity ids sadakat walked: step ids back to Pinpoint's (slugs of them), a branch waiting for an open shown once. */
function walked(customerId: string): string[] {
  const byStep = new Map(
    Object.keys(abandonedCartJourney.Activities).map((activity) => [activity.toLowerCase(), activity]),
  );
  const steps = (result.customers[customerId] ?? []).flatMap((entry) =>
    entry.kind === 'step' && entry.stepId !== undefined ? [byStep.get(entry.stepId) ?? entry.stepId] : [],
  );
  return steps.filter((step, index) => step !== steps[index - 1]);
}

function sentMessages(customerId: string): [string, number][] {
  const entries = result.customers[customerId] ?? [];
  const entered = Date.parse(entries[0]?.at ?? '');
  return entries.flatMap((entry) =>
    entry.kind === 'send' && entry.request && !entry.request.holdout
      ? [[entry.request.channel, Date.parse(entry.request.requestedAt) - entered] as [string, number]]
      : [],
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pinpoint-sim-'));
  await mkdir(join(dir, 'export'));
  await writeFile(join(dir, 'export/journey.json'), JSON.stringify({ JourneyResponse: abandonedCartJourney }));
  await writeFile(join(dir, 'export/segment.json'), JSON.stringify({ SegmentResponse: cartSegment }));
  await writeFile(join(dir, 'export/email.json'), JSON.stringify({ EmailTemplateResponse: cartEmailTemplate }));
  await writeFile(join(dir, 'export/sms.json'), JSON.stringify({ SMSTemplateResponse: cartSmsTemplate }));
  out = join(dir, 'campaign');
  await convertExport({
    journeys: join(dir, 'export'),
    segments: join(dir, 'export'),
    templates: join(dir, 'export'),
    out,
  });
  // Pinpoint has no global holdout: off, so only the journey's own Holdout activity holds out.
  await appendFile(join(out, 'settings.yaml'), 'holdoutPercent: 0\n');
  const storefront = CUSTOMERS.flatMap((id, index) => [
    {
      type: 'identify',
      messageId: `i-${id}`,
      userId: id,
      timestamp: `2026-11-02T09:${String(index).padStart(2, '0')}:00Z`,
      traits: {
        email: `${id}@example.com`,
        phone: '+905551112233',
        CartStatus: 'abandoned',
        consent: { email: true, sms: true },
      },
    },
    {
      type: 'track',
      messageId: `t-${id}`,
      userId: id,
      event: 'Product Added',
      timestamp: `2026-11-02T09:${String(index).padStart(2, '0')}:30Z`,
      properties: { product_id: 'p1', price: 10, quantity: 1 },
    },
  ]);
  // First pass: who is emailed, and when. Then a third of them open 2h later, a third after 30h
  // (past the 1-day evaluation wait), a third never.
  firstRun = await simulate(storefront);
  result = firstRun;
  const emailed = CUSTOMERS.flatMap((id) => {
    const email = (firstRun.customers[id] ?? []).find(
      (entry) => entry.kind === 'send' && entry.request?.channel === 'email' && !entry.request.holdout,
    );
    return email?.request ? [{ id, sentAt: Date.parse(email.request.requestedAt) }] : [];
  });
  const engagement = emailed.flatMap(({ id, sentAt }, index) => {
    const after = [2 * HOUR, 30 * HOUR, undefined][index % 3];
    if (after === undefined) return [];
    opens.set(id, after);
    return [
      {
        type: 'engagement',
        kind: 'opened',
        userId: id,
        step: 'cartemail',
        timestamp: new Date(sentAt + after).toISOString(),
      },
    ];
  });
  result = await simulate([...storefront, ...engagement]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('imported abandoned-cart journey in sadakat simulate, against a Pinpoint reading', () => {
  it('lets every customer of the audience segment in on Product Added, and accepts every engagement line', () => {
    expect(Object.keys(result.customers).sort()).toEqual([...CUSTOMERS].sort());
    expect(result.rejected).toEqual([]);
  });

  it('covers every path of the definition: held out, both random branches, opened in time, opened late, not opened', () => {
    const stories = CUSTOMERS.map(storyOf);
    const emailStories = stories.filter((story) => !story.heldOut && story.randomBranch === 0);
    expect(stories.some((story) => story.heldOut)).toBe(true);
    expect(stories.some((story) => !story.heldOut && story.randomBranch === 1)).toBe(true);
    expect(emailStories.some((story) => story.openedAfterMs?.CartEmail === 2 * HOUR)).toBe(true);
    expect(emailStories.some((story) => story.openedAfterMs?.CartEmail === 30 * HOUR)).toBe(true);
    expect(emailStories.some((story) => story.openedAfterMs === undefined)).toBe(true);
  });

  it('walks each non-held-out customer through the activities Pinpoint would (the CUSTOM webhook is reported, not converted)', () => {
    for (const id of CUSTOMERS.filter((customer) => !storyOf(customer).heldOut)) {
      const pinpoint = walkPinpoint(abandonedCartJourney, storyOf(id)).activities.filter(
        (activity) => activity !== 'Webhook',
      );
      expect({ id, activities: walked(id) }).toEqual({ id, activities: [...pinpoint, 'end'] });
    }
  });

  it('sends each non-held-out customer the messages Pinpoint would, at the same times after entry', () => {
    for (const id of CUSTOMERS.filter((customer) => !storyOf(customer).heldOut)) {
      const pinpoint = walkPinpoint(abandonedCartJourney, storyOf(id)).messages.map((message) => [
        message.channel,
        message.afterMs,
      ]);
      expect({ id, messages: sentMessages(id) }).toEqual({ id, messages: pinpoint });
    }
  });

  it('takes the opened path only for an open within the evaluation wait: no SMS after it', () => {
    const openedInTime = CUSTOMERS.filter((id) => opens.get(id) === 2 * HOUR);
    expect(openedInTime.length).toBeGreaterThan(0);
    for (const id of openedInTime) expect(walked(id).slice(-2)).toEqual(['OpenedSplit', 'end']);
    for (const id of CUSTOMERS.filter((customer) => opens.get(customer) === 30 * HOUR))
      expect(walked(id).slice(-3)).toEqual(['OpenedSplit', 'CartSms', 'end']);
  });

  it("sends held-out customers nothing, as Pinpoint's Holdout ends their journey", () => {
    const heldOut = CUSTOMERS.filter((id) => storyOf(id).heldOut);
    for (const id of heldOut) {
      expect(walkPinpoint(abandonedCartJourney, storyOf(id)).messages).toEqual([]);
      expect(walked(id)[0]).toBe('Holdout1');
      expect(sentMessages(id)).toEqual([]);
    }
  });

  it('reports an engagement line for a message that was never sent, by line', async () => {
    const held = CUSTOMERS.find((id) => storyOf(id).randomBranch === 1) as string;
    const late = await simulate([
      {
        type: 'identify',
        messageId: 'i-x',
        userId: held,
        timestamp: '2026-11-02T09:00:00Z',
        traits: {
          email: 'x@example.com',
          phone: '+905551112233',
          CartStatus: 'abandoned',
          consent: { email: true, sms: true },
        },
      },
      { type: 'track', messageId: 't-x', userId: held, event: 'Product Added', timestamp: '2026-11-02T09:00:30Z' },
      { type: 'engagement', kind: 'opened', userId: held, step: 'cartemail', timestamp: '2026-11-02T12:00:00Z' },
      { type: 'engagement', kind: 'read', userId: held, step: 'cartemail', timestamp: '2026-11-02T12:00:00Z' },
    ]);
    expect(late.rejected).toEqual([
      {
        line: 3,
        field: 'step',
        reason: `customer ${held} had no message from step cartemail of journey abandoned-cart by then`,
      },
      { line: 4, field: 'kind', reason: 'expected one of delivered, opened, clicked, bounced, complained' },
    ]);
  });
});
