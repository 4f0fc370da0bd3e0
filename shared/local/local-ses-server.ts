/**
 * The local SES endpoint (STACK "Local engines"): aws-ses-v2-local, in-process, on a free port of
 * the loopback interface. The SES adapter talks to it through the real SDK client with an endpoint
 * override, so local runs exercise the same SES v2 SendEmail call as Lambda. Sent emails are kept
 * in memory (`GET /store`) as the fields SES received — From as given (an RFC 2047 display name
 * stays encoded), subject, text, HTML and the added headers (List-Unsubscribe…); the
 * configuration set and tags are dropped. A web viewer is served at the endpoint's root. Needs
 * no network.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sesLocal from 'aws-ses-v2-local';
import type { Clock } from '../ports.js';

type ServerFactory = typeof sesLocal.default;
/** A CommonJS module: Node's default import is `module.exports` (whose `default` is the factory); vitest's interop unwraps it. */
const startSesServer: ServerFactory =
  typeof sesLocal === 'function' ? (sesLocal as unknown as ServerFactory) : sesLocal.default;

export interface LocalSesEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  /** The headers SendEmail added (Content.Simple.Headers), as given. */
  headers?: { name: string; value: string }[];
  /** When the endpoint answered, in seconds of the machine's clock. */
  at: number;
  /** When it answered on the runtime's clock (virtual in the demo), when `startLocalSes` was given one. */
  sentAt?: Date;
}

export interface LocalSes {
  endpoint: string;
  /** Emails the endpoint received since it started (or since `clear`). */
  emails(): Promise<LocalSesEmail[]>;
  clear(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalSes(options: { port?: number; clock?: Clock } = {}): Promise<LocalSes> {
  const server = await startSesServer({ host: '127.0.0.1', port: options.port ?? 0 });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const sentAt = options.clock ? keepSendTimes(server, options.clock) : new Map<string, Date>();
  const local: LocalSes = {
    endpoint,
    async emails() {
      const response = await fetch(`${endpoint}/store`);
      if (!response.ok) throw new Error(`local SES endpoint: GET /store answered ${response.status}`);
      const emails = ((await response.json()) as { emails: LocalSesEmail[] }).emails;
      return emails.map((email) => {
        const at = sentAt.get(email.messageId);
        return at ? { ...email, sentAt: at } : email;
      });
    },
    async clear() {
      await fetch(`${endpoint}/clear-store`, { method: 'POST' });
      sentAt.clear();
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error?: Error) => (error ? reject(error) : resolve()));
      }),
  };
  // The store is per process: a second runtime in the same process must not see the first one's mail.
  try {
    await local.clear();
  } catch (error) {
    // A server left listening would keep the process alive after the error is reported.
    await local.stop().catch(() => undefined);
    throw error;
  }
  return local;
}

/**
 * The clock's time of each send, by the MessageId the endpoint answered with (read from the
 * response it writes): the endpoint stamps mail with the machine's clock, the demo runs on a
 * virtual one.
 */
function keepSendTimes(server: Server, clock: Clock): Map<string, Date> {
  const byMessageId = new Map<string, Date>();
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'POST') return;
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    response.end = ((...args: unknown[]) => {
      const [body] = args;
      const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : '';
      const messageId = /"MessageId":"([^"]+)"/.exec(text)?.[1];
      if (messageId) byMessageId.set(messageId, clock.now());
      return end(...args);
    }) as ServerResponse['end'];
  });
  return byMessageId;
}
