/** The local call list and its dialler export (issue 22): one task per token, consent checked again at export. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { exportCsv, exportJson } from '../../../cli/commands/calls.js';
import type { CallTask } from '../../../shared/channels/ports.js';
import { LocalCallList, type CallListEntry } from '../../../shared/local/local-call-list.js';
import { callClientToken } from '../../../shared/channels/call-task.js';
import { consentingProfile } from './send-harness.js';

const folders: string[] = [];
afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

function task(customerId: string, overrides: Partial<CallTask> = {}): CallTask {
  // One scheduled slot's message id, shared by its customers; the client token is per customer.
  const messageId = 'a'.repeat(64);
  return {
    clientToken: callClientToken(customerId, messageId),
    customerId,
    phone: '+905551112233',
    name: 'Ayşe',
    queue: 'win-back',
    priority: 'normal',
    reason: 'win-back/call',
    script: 'Merhaba Ayşe, size özel GERIDON15.',
    createdAt: '2026-11-06T09:00:00.000Z',
    dueAt: '2026-11-07T09:00:00.000Z',
    tags: { customerId, messageId, journeyId: 'win-back', runId: 'r1', stepId: 'call' },
    ...overrides,
  };
}
const customerIds = (csv: string) =>
  (parse(csv, { columns: true }) as { customer_id: string }[]).map((row) => row.customer_id);
const entry = (customerId: string, overrides: Partial<CallTask> = {}): CallListEntry => {
  const made = task(customerId, overrides);
  return { ...made, id: made.tags.messageId };
};

describe('LocalCallList', () => {
  it('keeps one task per client token, and one outcome per task, across reopening the file', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'sadakat-calls-'));
    folders.push(folder);
    const file = join(folder, 'call-list.jsonl');
    const list = new LocalCallList(file);
    const first = await list.createCallTask(task('c1'));
    const again = await list.createCallTask(task('c1', { script: 'changed' }));
    expect(again).toEqual(first);
    // A second customer of the same scheduled slot (same message id) gets a task of their own
    const other = await list.createCallTask(task('c2'));
    expect(other).not.toEqual(first);
    expect(await list.complete('c1', 'a'.repeat(64), 'reached', '2026-11-06T10:00:00.000Z')).toBe(true);
    expect(await list.complete('c1', 'a'.repeat(64), 'declined', '2026-11-06T11:00:00.000Z')).toBe(false);
    const reopened = await new LocalCallList(file).entries();
    expect(reopened).toHaveLength(2);
    expect(reopened[0]).toMatchObject({ script: 'Merhaba Ayşe, size özel GERIDON15.', outcome: 'reached' });
    expect(reopened[1]).toMatchObject({ customerId: 'c2', id: 'a'.repeat(64) });
    expect(reopened[1]?.outcome).toBeUndefined();
  });
});

describe('the dialler export', () => {
  it('has the dialler columns first, the E.164 phone as is and the rendered script', () => {
    const csv = exportCsv([entry('c1')], () => consentingProfile('c1'));
    const [header, row] = csv.trimEnd().split('\n');
    expect(header?.startsWith('customer_id,phone,queue,priority,reason,due_at')).toBe(true);
    expect(parse(csv, { columns: true })).toEqual([
      expect.objectContaining({
        customer_id: 'c1',
        phone: '+905551112233',
        script: 'Merhaba Ayşe, size özel GERIDON15.',
      }),
    ]);
    expect(row).toContain(',+905551112233,');
  });

  it('leaves out customers who revoked call consent, whose number changed or was reported wrong since', () => {
    const revoked = consentingProfile('revoked');
    revoked.consent.call = { granted: false, at: '2026-11-06T09:30:00Z' };
    const moved = consentingProfile('moved');
    moved.channels.phone = '+905559998877';
    const wrong = consentingProfile('wrong');
    wrong.channels.phoneWrongAt = '2026-11-06T09:30:00Z';
    const profiles = new Map([
      ['ok', consentingProfile('ok')],
      ['revoked', revoked],
      ['moved', moved],
      ['wrong', wrong],
    ]);
    const csv = exportCsv(
      ['ok', 'revoked', 'moved', 'wrong', 'gone'].map((id) => entry(id)),
      (id) => profiles.get(id),
    );
    expect(customerIds(csv)).toEqual(['ok']);
  });

  it('neutralises formulas in free text (name, script, customer id) but never in the phone', () => {
    const csv = exportCsv([entry('=HYPERLINK("x")', { name: '@SUM(A1)', script: '+1 call now' })], (id) =>
      consentingProfile(id),
    );
    const [row] = parse(csv, { columns: true }) as Record<string, string>[];
    expect(row).toMatchObject({
      customer_id: `'=HYPERLINK("x")`,
      name: `'@SUM(A1)`,
      script: `'+1 call now`,
      phone: '+905551112233',
    });
  });

  it('puts the most urgent first: priority, then due time', () => {
    const csv = exportCsv(
      [
        entry('late', { priority: 'low', dueAt: '2026-11-06T10:00:00.000Z' }),
        entry('soon', { priority: 'high', dueAt: '2026-11-06T13:00:00.000Z' }),
        entry('mid', { dueAt: '2026-11-07T09:00:00.000Z' }),
      ],
      (id) => consentingProfile(id),
    );
    expect(customerIds(csv)).toEqual(['soon', 'mid', 'late']);
  });

  it('gives the same rows as JSON, keyed by the CSV columns, the text as the agent sees it', () => {
    // Prepare
    const open = [entry('=HYPERLINK("x")', { priority: 'low' }), entry('first', { priority: 'high' })];
    const revoked = { ...consentingProfile('no-call'), consent: {} };
    const profileOf = (id: string) => (id === 'no-call' ? revoked : consentingProfile(id));

    // Act
    const rows = JSON.parse(exportJson([...open, entry('no-call')], profileOf)) as Record<string, string>[];
    const csvRows = parse(exportCsv(open, profileOf), { columns: true }) as Record<string, string>[];

    // Assess
    expect(rows.map((row) => row.customer_id)).toEqual(['first', '=HYPERLINK("x")']);
    expect(Object.keys(rows[0] ?? {})).toEqual(Object.keys(csvRows[0] ?? {}));
    expect(rows[0]).toEqual(csvRows[0]);
  });
});
