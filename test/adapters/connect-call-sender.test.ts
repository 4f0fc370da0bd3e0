/** Amazon Connect tasks for the call channel (issue 22), on aws-sdk-client-mock. */
import { ConnectClient, ConnectServiceException, StartTaskContactCommand } from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONNECT_DESCRIPTION_LIMIT,
  ConnectCallSender,
  createConnectClient,
} from '../../shared/aws/connect-call-sender.js';
import { callClientToken } from '../../shared/channels/call-task.js';
import type { CallTask } from '../../shared/channels/ports.js';
import { decideSend } from '../../shared/channels/decide-send.js';
import { sendHarness, sendRequest } from '../unit/channels/send-harness.js';

const TARGET = { instanceId: 'inst-1', contactFlowId: 'flow-1' };
const TOKEN = 'a'.repeat(64);
const TASK: CallTask = {
  clientToken: TOKEN,
  customerId: 'c1',
  phone: '+905551112233',
  name: 'Ayşe Yılmaz',
  queue: 'win-back',
  priority: 'high',
  reason: 'win-back/call',
  script: 'Merhaba Ayşe Hanım, size özel %15 indirim: GERIDON15.',
  createdAt: '2026-11-02T09:00:00.000Z',
  dueAt: '2026-11-02T13:00:00.000Z',
  tags: { customerId: 'c1', messageId: TOKEN, journeyId: 'win-back', runId: 'r1', stepId: 'call' },
};

function connectError(name: string, status: number): ConnectServiceException {
  return new ConnectServiceException({
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
    message: name,
  });
}

/** Connect's ClientToken semantics: a repeated token answers with the contact it created first. */
function connectWithTokens(client: ConnectClient) {
  const connect = mockClient(client);
  const contacts = new Map<string, string>();
  connect.on(StartTaskContactCommand).callsFake((input: { ClientToken?: string }) => {
    const token = input.ClientToken ?? '';
    if (!contacts.has(token)) contacts.set(token, `contact-${contacts.size + 1}`);
    return { ContactId: contacts.get(token) };
  });
  return { connect, contacts };
}

describe('ConnectCallSender', () => {
  it('starts a task in the instance and flow with the script, the number, the routing and the ids as attributes', async () => {
    const client = new ConnectClient({ region: 'eu-central-1' });
    const { connect } = connectWithTokens(client);
    const result = await new ConnectCallSender(client, TARGET).createCallTask(TASK);
    expect(result).toEqual({ providerMessageId: 'contact-1' });
    expect(connect).toHaveReceivedCommandWith(StartTaskContactCommand, {
      InstanceId: 'inst-1',
      ContactFlowId: 'flow-1',
      ClientToken: TOKEN,
      Name: 'Call Ayşe Yılmaz (win-back/call)',
      Description: TASK.script,
      References: { phone: { Type: 'STRING', Value: '+905551112233' } },
      Attributes: {
        sadakat_queue: 'win-back',
        sadakat_priority: 'high',
        sadakat_due_at: TASK.dueAt,
        sadakat_customer_id: 'c1',
        sadakat_message_id: TOKEN,
        sadakat_journey_id: 'win-back',
        sadakat_run_id: 'r1',
        sadakat_step_id: 'call',
      },
    });
  });

  it('cuts a long script to the description limit', async () => {
    const client = new ConnectClient({ region: 'eu-central-1' });
    const { connect } = connectWithTokens(client);
    await new ConnectCallSender(client, TARGET).createCallTask({ ...TASK, script: 'söz '.repeat(3000) });
    const description = connect.commandCalls(StartTaskContactCommand)[0]?.args[0].input.Description ?? '';
    expect(description.length).toBeLessThanOrEqual(CONNECT_DESCRIPTION_LIMIT);
    expect(description.endsWith('…')).toBe(true);
  });

  it.each([
    ['ThrottlingException', 429, 'throttled'],
    ['ServiceQuotaExceededException', 402, 'throttled'],
    ['LimitExceededException', 429, 'throttled'],
    ['InvalidParameterException', 400, 'permanent'],
    ['ResourceNotFoundException', 404, 'permanent'],
    ['InternalServiceException', 500, 'unknown'],
  ])('classifies %s as %s', async (name, status, failure) => {
    const client = new ConnectClient({ region: 'eu-central-1' });
    mockClient(client).on(StartTaskContactCommand).rejects(connectError(name, status));
    await expect(new ConnectCallSender(client, TARGET).createCallTask(TASK)).rejects.toMatchObject({
      name: 'ProviderError',
      failure,
      code: name,
    });
  });

  it('turns retries off (at most once)', async () => {
    expect(await createConnectClient({ region: 'eu-central-1' }).config.maxAttempts()).toBe(1);
  });
});

describe('a call send on Connect', () => {
  it('retries a task the active-task quota refused and creates it once, under the ledger id as ClientToken', async () => {
    // Prepare: the quota is full on the first try
    const client = new ConnectClient({ region: 'eu-central-1' });
    const { connect, contacts } = connectWithTokens(client);
    connect
      .on(StartTaskContactCommand)
      .rejectsOnce(connectError('ServiceQuotaExceededException', 402))
      .callsFake((input: { ClientToken?: string }) => {
        const token = input.ClientToken ?? '';
        if (!contacts.has(token)) contacts.set(token, `contact-${contacts.size + 1}`);
        return { ContactId: contacts.get(token) };
      });
    const h = sendHarness();
    h.deps.calls = new ConnectCallSender(client, TARGET);
    const request = sendRequest({ channel: 'call', call: { queue: 'win-back', priority: 'normal' } });
    // Act
    const first = await decideSend(h.deps, request);
    const retry = await decideSend(h.deps, request);
    const redelivered = await decideSend(h.deps, request);
    // Assess
    expect(first).toMatchObject({ reason: 'deferred', cause: 'throttled' });
    expect(retry.reason).toBe('sent');
    expect(redelivered.reason).toBe('duplicate');
    const tokens = connect.commandCalls(StartTaskContactCommand).map((call) => call.args[0].input.ClientToken);
    expect(tokens).toEqual([callClientToken('c1', request.messageId), callClientToken('c1', request.messageId)]);
    expect(contacts.size).toBe(1);
    expect((await h.ledger.find('c1', request.messageId))?.providerMessageId).toBe('contact-1');
  });

  it('creates at most one task per ledger id whatever Connect answers and however often the request comes back', async () => {
    /** "Not now" answers (nothing created) and one that is not: what each leaves in the ledger. */
    const NOT_NOW = [
      ['ServiceQuotaExceededException', 402],
      ['LimitExceededException', 429],
      ['ThrottlingException', 429],
      ['TooManyRequestsException', 429],
    ] as const;
    const answer = fc.oneof(fc.constant<'ok'>('ok'), fc.constantFrom(...NOT_NOW), fc.constant<'invalid'>('invalid'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(answer, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 8 }),
        async (answers, deliveries) => {
          // Prepare: Connect plays `answers` in order (then accepts), keeping ClientToken semantics
          const client = new ConnectClient({ region: 'eu-central-1' });
          const connect = mockClient(client);
          const contacts = new Map<string, string>();
          const queue = [...answers];
          connect.on(StartTaskContactCommand).callsFake((input: { ClientToken?: string }) => {
            const next = queue.shift() ?? 'ok';
            if (next === 'invalid') throw connectError('InvalidParameterException', 400);
            if (next !== 'ok') throw connectError(next[0], next[1]);
            const token = input.ClientToken ?? '';
            if (!contacts.has(token)) contacts.set(token, `contact-${contacts.size + 1}`);
            return { ContactId: contacts.get(token) };
          });
          const h = sendHarness();
          h.deps.calls = new ConnectCallSender(client, TARGET);
          const request = sendRequest({ channel: 'call', call: { queue: 'win-back', priority: 'normal' } });
          // Act: the queue delivers the same request again and again
          const reasons: string[] = [];
          for (let i = 0; i < deliveries; i++) reasons.push((await decideSend(h.deps, request)).reason);
          // Assess: one token on every call, at most one contact, never a task after a refusal
          const tokens = connect.commandCalls(StartTaskContactCommand).map((call) => call.args[0].input.ClientToken);
          expect(new Set(tokens)).toEqual(new Set(tokens.length > 0 ? [callClientToken('c1', request.messageId)] : []));
          expect(contacts.size).toBeLessThanOrEqual(1);
          expect(reasons.filter((reason) => reason === 'sent').length).toBe(contacts.size);
          // A "not now" defers; the first other answer settles the ledger, after which the rest are duplicates.
          const settled = reasons.findIndex((reason) => reason !== 'deferred');
          if (settled >= 0) {
            expect(['sent', 'failed']).toContain(reasons[settled]);
            expect(reasons.slice(settled + 1).every((reason) => reason === 'duplicate')).toBe(true);
          }
          expect(tokens.length).toBe(settled >= 0 ? settled + 1 : deliveries);
          const entry = await h.ledger.find('c1', request.messageId);
          expect(entry?.status).toBe(settled >= 0 ? reasons[settled] : undefined);
        },
      ),
      { numRuns: 25 },
    );
  });
});
