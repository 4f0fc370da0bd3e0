/**
 * The call channel end to end on the embedded runtime (issue 22): a journey's call step through
 * ingest, process-events and the real send handler into the local call list; the agent's
 * `Call Completed` back through ingest moves the run and marks a wrong number; `sadakat calls
 * export` gives the dialler CSV of the open tasks only (an outcome reported through ingest closes
 * a task), for customers who consent to calls. On the virtual clock throughout, so it lives outside
 * test/e2e: CI's daytime pass over test/e2e would run it a second time for nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { registerCalls } from '../../cli/commands/calls.js';
import { TemplateSet } from '../../shared/channels/render.js';
import { loadCampaign } from '../../shared/config/campaign.js';
import { buildLocalHandlers } from '../../shared/local/local-handlers.js';
import { startLocalSending } from '../../shared/local/local-sending.js';
import { drainQueue } from '../../shared/local/queue-driver.js';
import { startLocalRuntime } from '../../shared/local/runtime.js';
import { VirtualClock } from '../../shared/local/virtual-clock.js';
import { runCli } from '../cli-harness.js';
import { journeyFrom } from '../unit/journeys/journey-builders.js';
import { postToIngest, WRITE_KEY } from '../e2e/spine-harness.js';

const folders: string[] = [];
afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

const CALLBACK = journeyFrom(`id: callback
trigger: { event: Callback Requested }
steps:
  - id: ring
    call: { queue: sales, script: callback, priority: high }
  - id: outcome
    branch: { called: ring, outcome: [reached, converted], within: 1d, then: done, else: failed, timeout: nobody }
  - { id: failed, update: { tag: call_failed }, next: done }
  - { id: nobody, update: { tag: call_untaken } }
  - { id: done, end: true }
`);
const TEMPLATES = {
  'callback/call.script.liquid': 'Merhaba {{ profile.name.first }}, geri arama talebiniz için arıyoruz.',
};

describe('calls end to end', () => {
  it('creates call tasks only with call consent, follows the outcome, and exports the open ones', async () => {
    // Prepare: the embedded runtime at noon in Istanbul, a journey with a call step
    const dataDir = await mkdtemp(join(tmpdir(), 'sadakat-calls-e2e-'));
    folders.push(dataDir);
    const clock = new VirtualClock(new Date('2026-11-02T09:30:00Z'));
    const runtime = await startLocalRuntime({ dataDir, engine: 'dynalite', clock, fresh: true });
    const campaign = await loadCampaign('campaign');
    const sending = await startLocalSending(runtime, {
      campaign: { settings: campaign.settings, journeys: [CALLBACK] },
      templates: new TemplateSet(TEMPLATES),
    });
    const { ingest, processEvents } = buildLocalHandlers(runtime, {
      campaign,
      journeys: { definitions: [CALLBACK], sends: sending.sends },
      writeKeys: [WRITE_KEY],
    });
    const post = (path: string, body: unknown) => postToIngest(ingest, clock, path, body);
    const drain = async () => {
      await drainQueue(runtime.eventsQueue, processEvents, { clock });
      await sending.drain();
      await drainQueue(runtime.eventsQueue, processEvents, { clock });
    };
    const customer = (id: string, call: boolean) => ({
      type: 'identify',
      userId: id,
      traits: {
        firstName: 'Ayşe',
        phone: `0532 123 45 6${id.slice(-1)}`,
        country: 'TR',
        consent: { call, sms: true, timestamp: '2026-11-02T09:00:00Z' },
      },
    });
    try {
      // Act: four customers ask for a callback; c2 never consented to calls
      await post('/v1/batch', {
        batch: [
          customer('c1', true),
          customer('c2', false),
          customer('c3', true),
          customer('c4', true),
          ...['c1', 'c2', 'c3', 'c4'].map((id) => ({ type: 'track', userId: id, event: 'Callback Requested' })),
        ],
      });
      await drain();
      const tasks = await sending.calls.entries();
      const taskOf = (id: string) => tasks.find((task) => task.customerId === id)?.id;
      // A dialler reports c1's number wrong and c3 reached, through ingest with the server key only
      const answer = await post('/v1/batch', {
        batch: [
          {
            type: 'track',
            userId: 'c1',
            event: 'Call Completed',
            properties: { call_id: taskOf('c1'), outcome: 'wrong_number' },
          },
          {
            type: 'track',
            userId: 'c3',
            event: 'Call Completed',
            properties: { call_id: taskOf('c3'), outcome: 'reached' },
          },
        ],
      });
      await drain();
      const c1 = await runtime.profiles.getProfile('c1');
      const c1Runs = await runtime.adapters.table.journeyRuns.listRuns('c1');

      // Assess: tasks for the two who consent, with the E.164 number and the rendered script
      expect(tasks.map((task) => [task.customerId, task.phone, task.queue, task.priority]).sort()).toEqual([
        ['c1', '+905321234561', 'sales', 'high'],
        ['c3', '+905321234563', 'sales', 'high'],
        ['c4', '+905321234564', 'sales', 'high'],
      ]);
      expect(tasks.find((task) => task.customerId === 'c1')?.script).toBe(
        'Merhaba Ayşe, geri arama talebiniz için arıyoruz.',
      );
      expect(answer.body).toMatchObject({ accepted: 2, rejected: [] });
      expect(c1?.channels.phoneWrongAt).toBeDefined();
      expect(c1?.traits.call_failed).toBe(true);
      expect(c1Runs.map((run) => run.status)).toEqual(['completed']);
    } finally {
      await sending.stop();
      await runtime.stop();
    }

    // Act: the dialler export of what is still open
    const exported = await runCli([registerCalls], ['calls', 'export', '--format', 'csv', '--data-dir', dataDir]);
    // Assess: c4 only (c1 and c3 reported, c2 never called), a header an agent team's dialler loads
    expect(exported.error).toBeUndefined();
    expect(exported.stdout.split('\n')[0]).toMatch(/^customer_id,phone,queue,priority,reason,due_at,/);
    expect(parse(exported.stdout, { columns: true })).toEqual([
      expect.objectContaining({
        customer_id: 'c4',
        phone: '+905321234564',
        queue: 'sales',
        priority: 'high',
        reason: 'callback/ring',
        script: 'Merhaba Ayşe, geri arama talebiniz için arıyoruz.',
      }),
    ]);
  }, 120_000);
});
