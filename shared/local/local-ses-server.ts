/**
 * The local SES endpoint (STACK "Local engines"): aws-ses-v2-local, in-process, on a free port of
 * the loopback interface. The SES adapter talks to it through the real SDK client with an endpoint
 * override, so local runs exercise the same SendRawEmail call as Lambda. Sent emails are kept in
 * memory (`GET /store`); a web viewer is served at the endpoint's root. Needs no network.
 */
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
  const local: LocalSes = {
    endpoint,
    async emails() {
      const response = await fetch(`${endpoint}/store`);
      if (!response.ok) throw new Error(`local SES endpoint: GET /store answered ${response.status}`);
      return ((await response.json()) as { emails: LocalSesEmail[] }).emails;
    },
    async clear() {
      await fetch(`${endpoint}/clear-store`, { method: 'POST' });
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error?: Error) => (error ? reject(error) : resolve()));
      }),
  };
  // The store is per process: a second runtime in the same process must not see the first one's mail.
  await local.clear();
  return local;
}
