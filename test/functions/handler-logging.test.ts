/**
 * What the handlers' shared middleware writes to the log (shared/handlers/): the invocation's
 * context on every line, never the event — not even when an operator sets
 * POWERTOOLS_LOGGER_LOG_EVENT — and, for a queue record that can never be processed, the reason
 * without any part of the body.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildHandler as buildIngest } from '../../functions/ingest.js';
import { buildHandler as buildSend } from '../../functions/send.js';
import { apiGatewayEvent } from '../../shared/local/api-gateway-event.js';
import { localLambdaContext } from '../../shared/local/lambda-context.js';
import { basicAuth, fakeDeps, NOW, WRITE_KEY } from '../unit/ingest/in-memory-ports.js';
import { sendHarness } from '../unit/channels/send-harness.js';
import { sqsRecord } from '../fakes/sqs-record.js';

const EMAIL = 'ada.lovelace@example.com';
const PHONE = '+905551234567';

interface LogLine {
  level: string;
  message: string;
  function_request_id?: string;
  [key: string]: unknown;
}

/** Runs `act` with stdout and stderr captured; returns every JSON line written. */
async function captured(act: () => Promise<unknown>): Promise<{ lines: LogLine[]; text: string }> {
  const chunks: string[] = [];
  const capture = (chunk: unknown) => (chunks.push(String(chunk)), true);
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await act().catch(() => undefined);
  } finally {
    vi.restoreAllMocks();
  }
  const text = chunks.join('');
  const lines = text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
  return { lines, text };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('handler logging', () => {
  it('logs no part of a request body even when POWERTOOLS_LOGGER_LOG_EVENT asks for events', async () => {
    // Prepare: the variable an operator might set to debug; Powertools reads it when the logger is made.
    vi.stubEnv('POWERTOOLS_LOGGER_LOG_EVENT', 'true');
    const logger = new Logger({ serviceName: 'ingest', logLevel: 'DEBUG' });
    const handler = buildIngest({ ...fakeDeps().deps, logger });
    const body = JSON.stringify({
      batch: [{ type: 'identify', userId: 'u1', timestamp: NOW.toISOString(), traits: { email: EMAIL, phone: PHONE } }],
    });
    const event = apiGatewayEvent({
      method: 'POST',
      path: '/v1/batch',
      headers: { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json' },
      body,
      at: NOW,
    });

    // Act
    const { lines, text } = await captured(() => handler(event, localLambdaContext('ingest')));

    // Assess
    expect(lines.length).toBeGreaterThan(0);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain(WRITE_KEY);
  });

  it('puts the invocation (request id, function) on every line it writes', async () => {
    // Prepare
    const logger = new Logger({ serviceName: 'ingest', logLevel: 'DEBUG' });
    const handler = buildIngest({ ...fakeDeps().deps, logger });
    const event = apiGatewayEvent({ method: 'POST', path: '/v1/batch', headers: {}, body: '{}', at: NOW });

    // Act
    const { lines } = await captured(() => handler(event, localLambdaContext('ingest')));

    // Assess
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatchObject({ function_request_id: 'local-ingest', function_name: 'ingest' });
    }
  });

  it('logs why a queue record can never be sent, without any part of its body', async () => {
    // Prepare: not JSON, and what JSON.parse would quote back is the customer's address.
    const logger = new Logger({ serviceName: 'send', logLevel: 'DEBUG' });
    const handler = buildSend({ ...sendHarness().deps, logger });
    const event: SQSEvent = { Records: [sqsRecord('poison-1', `${EMAIL} ${PHONE}`, { receiveCount: 2 })] };

    // Act
    const { lines, text } = await captured(() => handler(event, localLambdaContext('send')));

    // Assess
    const failure = lines.find((line) => line.message === 'message failed');
    expect(failure).toMatchObject({
      sqsMessageId: 'poison-1',
      receiveCount: '2',
      reason: expect.stringContaining('body: not JSON'),
      function_request_id: 'local-send',
    });
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain(PHONE);
  });

  it('names the field of a record that is JSON but not a send request', async () => {
    // Prepare
    const logger = new Logger({ serviceName: 'send', logLevel: 'WARN' });
    const handler = buildSend({ ...sendHarness().deps, logger });
    const event: SQSEvent = { Records: [sqsRecord('poison-2', JSON.stringify({ channel: EMAIL }))] };

    // Act
    const { lines, text } = await captured(() => handler(event, localLambdaContext('send')));

    // Assess
    const failure = lines.find((line) => line.message === 'message failed');
    expect(failure?.reason).toMatch(/body\.\w+: /);
    expect(text).not.toContain(EMAIL);
  });
});
