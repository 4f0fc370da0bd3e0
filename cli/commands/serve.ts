/** `sadakat serve`: a local ingest endpoint with processing, journeys and sends, on the embedded runtime. */
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Command } from 'commander';
import type { EngineChoice } from '../../shared/local/data-dir.js';
import type { RunningServe, ServeUnfinished } from '../../shared/local/serve-runtime.js';
import { normalizeOrigin } from '../../shared/events/write-key.js';
import { UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { localCampaignOptions, portNumber } from '../options.js';

interface ServeCommandOptions {
  port: number;
  dataDir: string;
  writeKey?: string;
  browserKey?: string;
  browserOrigin: string[];
  identitySecret?: string;
  engine: EngineChoice;
  campaign: string;
  journeys: boolean;
  trace?: string;
}

export function registerServe(program: Command): void {
  const command = program.command('serve');
  localCampaignOptions(command);
  command
    .description(
      'accept Segment-compatible events on a local HTTP port; process them into profiles, run journeys and decide sends',
    )
    .option('--port <port>', 'port to listen on (loopback only; 0 picks a free one)', portNumber, 8787)
    .option('--write-key <key>', 'accepted server write key (default: $SADAKAT_WRITE_KEY, else a generated one)')
    .option(
      '--browser-key <key>',
      'accepted browser write key: its unverified calls cannot send server-only events (default: $SADAKAT_BROWSER_KEY)',
    )
    .option(
      '--browser-origin <origin>',
      'a page origin allowed to use the browser key (CORS), e.g. http://localhost:3000; repeat for more',
      (origin: string, origins: string[]) => [...origins, origin],
      [] as string[],
    )
    .option(
      '--identity-secret <secret>',
      'verifies context.identityToken = hex HMAC-SHA256(secret, userId) on browser calls (default: $SADAKAT_IDENTITY_SECRET)',
    )
    .option('--no-journeys', 'keep profiles only: no journeys, no sends')
    .option(
      '--trace <file>',
      'append one JSON line per processed event: messageId and when it arrived, reached its profile and got its send decision',
    )
    .action(async (options: ServeCommandOptions) => {
      const { startServe } = await import('../../shared/local/serve-runtime.js');
      const writeKey =
        options.writeKey ?? process.env.SADAKAT_WRITE_KEY ?? `wk_${randomBytes(18).toString('base64url')}`;
      const browserKey = options.browserKey ?? process.env.SADAKAT_BROWSER_KEY;
      const identitySecret = options.identitySecret ?? process.env.SADAKAT_IDENTITY_SECRET;
      if (options.browserOrigin.length > 0 && !browserKey)
        throw new UserError('--browser-origin lists origins for the browser key: give --browser-key too');
      const browserOrigins = options.browserOrigin.map((origin) => {
        const normalized = normalizeOrigin(origin);
        if (!normalized)
          throw new UserError(`--browser-origin ${origin}: expected an origin such as http://localhost:3000`);
        return normalized;
      });
      if (browserKey !== undefined && browserKey === writeKey)
        throw new UserError('--browser-key must differ from the server write key');
      const trace = options.trace ? await openTrace(options.trace) : undefined;
      const serve = await startServe({
        dataDir: options.dataDir,
        engine: options.engine,
        campaignDir: options.campaign,
        writeKey,
        ...(browserKey ? { browserKey: { key: browserKey, origins: browserOrigins } } : {}),
        ...(identitySecret ? { identitySecret } : {}),
        port: options.port,
        journeys: options.journeys,
        ...(trace
          ? {
              trace: (line: object) => trace.write(`${JSON.stringify(line)}\n`),
              writes: (line: object) => trace.write(`${JSON.stringify(line)}\n`),
            }
          : {}),
      }).catch((error: unknown) => {
        throw listenError(error, options.port) ?? error;
      });

      const pipeline = serve.journeys > 0 ? `, ${serve.journeys} journeys` : ', journeys off';
      process.stdout.write(
        `sadakat serve: http://127.0.0.1:${serve.port}/v1/batch (engine ${serve.engine}, data ${options.dataDir}${pipeline})\n`,
      );
      if (!options.writeKey && !process.env.SADAKAT_WRITE_KEY) {
        // Shown once, to the operator who started the server; it is never logged afterwards.
        process.stdout.write(`write key for this session: ${writeKey}\n`);
      }

      await untilStopped(serve, () => (trace ? new Promise<void>((done) => trace.end(() => done())) : undefined));
    });
}

/**
 * SIGTERM or SIGINT drains: new requests get 503, everything accepted is processed (or
 * dead-lettered), then serve stops. Unfinished work fails the command with its count. A second
 * signal stops at once, saying what is left.
 */
function untilStopped(serve: RunningServe, finish: () => Promise<void> | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let draining = false;
    const done = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
    };
    const stop = (): void => {
      if (draining) {
        process.stderr.write(
          `sadakat serve: stopped before the drain ended: ${unfinishedText(serve.unfinished(), 'not finished') ?? 'nothing left'}\n`,
        );
        process.exit(EXIT.partial);
      }
      draining = true;
      process.stdout.write('sadakat serve: draining (new requests get 503; stop again to quit at once)…\n');
      serve
        .close()
        .then(async (left) => {
          await finish();
          done();
          const problem = unfinishedText(left, 'could not be finished');
          if (problem === undefined) {
            process.stdout.write('sadakat serve: stopped cleanly (every accepted event processed)\n');
            resolve();
            return;
          }
          reject(
            new UserError(
              `serve: ${problem} (dead-lettered after repeated failures; the warnings above say why): they are lost now that serve stops`,
              EXIT.partial,
            ),
          );
        })
        .catch((error: unknown) => {
          done();
          reject(error);
        });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

/** "2 accepted events and 1 queued send could not be finished", or undefined when nothing is left. */
export function unfinishedText(left: ServeUnfinished, verb: string): string | undefined {
  const events = left.events.pending + left.events.deadLettered;
  const sends = left.sends.pending + left.sends.deadLettered;
  const parts = [
    ...(events > 0 ? [`${events} accepted event${events === 1 ? '' : 's'}`] : []),
    ...(sends > 0 ? [`${sends} queued send${sends === 1 ? '' : 's'}`] : []),
  ];
  return parts.length === 0 ? undefined : `${parts.join(' and ')} ${verb}`;
}

/** A port that cannot be listened on: one line naming the fix, not a stack trace. */
export function listenError(error: unknown, port: number): UserError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE')
    return new UserError(
      `--port ${port}: the port is in use (another sadakat serve?): stop that process or pass another --port (0 picks a free one)`,
      EXIT.unavailable,
    );
  if (code === 'EACCES')
    return new UserError(
      `--port ${port}: not allowed to listen on this port (below 1024 needs privileges): pass --port 8787 or another above 1023`,
      EXIT.unavailable,
    );
  return undefined;
}

/** The trace file is appended to, so several runs can share it; it must be writable before serve starts. */
function openTrace(path: string): Promise<WriteStream> {
  return new Promise((resolve, reject) => {
    const stream = createWriteStream(path, { flags: 'a' });
    stream.once('open', () => resolve(stream));
    stream.once('error', (error) => reject(new UserError(`--trace ${path}: ${error.message}`)));
  });
}
