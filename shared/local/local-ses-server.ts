/**
 * The local SES endpoint (STACK "Local engines"): aws-ses-v2-local, in-process, on a free port of
 * the loopback interface. The SES adapter talks to it through the real SDK client with an endpoint
 * override, so local runs exercise the same SendRawEmail call as Lambda. Sent emails are kept in
 * memory (`GET /store`); a web viewer is served at the endpoint's root. Needs no network.
 *
 * The endpoint parses each message into fields and drops the rest (List-Unsubscribe, the
 * configuration set header, message tags…), so the raw MIME the send handler produced is kept
 * beside it, byte for byte, by listening to the same requests: an `.eml` is then exactly what SES
 * would receive.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sesLocal from 'aws-ses-v2-local';

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
  at: number;
  /** The MIME message as sent (SendRawEmail's RawMessage.Data, decoded), when the call was SendRawEmail. */
  raw?: Buffer;
}

export interface LocalSes {
  endpoint: string;
  /** Emails the endpoint received since it started (or since `clear`). */
  emails(): Promise<LocalSesEmail[]>;
  clear(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalSes(options: { port?: number } = {}): Promise<LocalSes> {
  const server = await startSesServer({ host: '127.0.0.1', port: options.port ?? 0 });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const raw = keepRawMessages(server);
  const local: LocalSes = {
    endpoint,
    async emails() {
      const response = await fetch(`${endpoint}/store`);
      if (!response.ok) throw new Error(`local SES endpoint: GET /store answered ${response.status}`);
      const emails = ((await response.json()) as { emails: LocalSesEmail[] }).emails;
      return emails.map((email) => {
        const message = raw.get(email.messageId);
        return message ? { ...email, raw: message } : email;
      });
    },
    async clear() {
      await fetch(`${endpoint}/clear-store`, { method: 'POST' });
      raw.clear();
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
 * SendRawEmail requests' RawMessage.Data by the MessageId the endpoint answered with. Listens to
 * the request stream beside the endpoint's own parser (both get every chunk) and reads the id
 * from the response it writes.
 */
function keepRawMessages(server: Server): Map<string, Buffer> {
  const byMessageId = new Map<string, Buffer>();
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== 'POST') return;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
    response.end = ((...args: unknown[]) => {
      const [body] = args;
      const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : '';
      const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(text)?.[1];
      const data = messageId
        ? new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('RawMessage.Data')
        : null;
      if (messageId && data) byMessageId.set(messageId, Buffer.from(data, 'base64'));
      return end(...args);
    }) as ServerResponse['end'];
  });
  return byMessageId;
}
