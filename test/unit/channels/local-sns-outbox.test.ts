import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalSnsOutbox } from '../../../shared/local/local-sns-outbox.js';
import { VirtualClock } from '../../../shared/local/virtual-clock.js';
import { NOON } from './send-harness.js';

const TAGS = { customerId: 'c1', messageId: 'm1', journeyId: 'j', runId: 'r', stepId: 's' };
const AT = '2026-10-01T00:00:00Z';

describe('LocalSnsOutbox', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sadakat-outbox-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends each SMS as one JSON line with its type, encoding and part count', async () => {
    const outbox = new LocalSnsOutbox(join(dir, 'sns-outbox.jsonl'), new VirtualClock(NOON));
    await outbox.sendSms({
      to: '+905551112233',
      body: 'Sepetiniz sizi bekliyor, Ayşe',
      transactional: false,
      senderId: 'SADAKAT',
      tags: TAGS,
    });
    expect(await outbox.entries()).toMatchObject([
      {
        kind: 'sms',
        to: '+905551112233',
        type: 'Promotional',
        senderId: 'SADAKAT',
        encoding: 'UCS-2',
        segments: 1,
        at: NOON.toISOString(),
      },
    ]);
  });

  it('answers for a disabled endpoint like SNS and records the others', async () => {
    const outbox = new LocalSnsOutbox(join(dir, 'sns-outbox.jsonl'), new VirtualClock(NOON));
    outbox.disabledEndpoints.add('arn:dead');
    const result = await outbox.sendPush({
      devices: [
        { token: 't1', platform: 'ios', endpoint: 'arn:dead', enabled: true, at: AT },
        { token: 't2', platform: 'android', endpoint: 'arn:live', enabled: true, at: AT },
      ],
      title: 'Hi',
      body: 'x',
      tags: TAGS,
    });
    expect(result).toMatchObject({ delivered: 1, disabled: ['arn:dead'] });
    expect((await outbox.entries()).map((entry) => entry.kind === 'push' && entry.endpoint)).toEqual(['arn:live']);
  });
});
