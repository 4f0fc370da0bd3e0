/** `sadakat serve`: a local ingest endpoint with processing, on the embedded runtime. */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { loadCampaign } from '../../shared/config/campaign.js';
import { DEFAULT_DATA_DIR } from '../../shared/local/data-dir.js';
import { systemClock } from '../../shared/ports.js';
import { engineChoice, positiveInteger } from '../options.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('accept Segment-compatible events on a local HTTP port and process them into profiles')
    .option('--port <port>', 'port to listen on (loopback only)', positiveInteger, 8787)
    .option('--data-dir <dir>', 'data folder', DEFAULT_DATA_DIR)
    .option('--write-key <key>', 'accepted write key (default: $SADAKAT_WRITE_KEY, else a generated one)')
    .option('--engine <engine>', 'dynamodb-local | dynalite | auto', engineChoice, 'auto')
    .option('--campaign <dir>', 'campaign folder', 'campaign')
    .action(async (options: { port: number; dataDir: string; writeKey?: string; engine: 'auto'; campaign: string }) => {
      const campaign = await loadCampaign(options.campaign);
      const { startLocalRuntime } = await import('../../shared/local/runtime.js');
      const { buildLocalHandlers } = await import('../../shared/local/local-handlers.js');
      const { startIngestServer } = await import('../../shared/local/ingest-server.js');
      const writeKey = options.writeKey ?? process.env.SADAKAT_WRITE_KEY ?? `wk_${randomBytes(18).toString('base64url')}`;
      const runtime = await startLocalRuntime({ dataDir: options.dataDir, engine: options.engine, clock: systemClock });
      const { ingest, processEvents } = buildLocalHandlers(runtime, { campaign, clock: systemClock, writeKeys: [writeKey], logLevel: 'WARN' });
      const server = await startIngestServer({ ingest, processEvents, queue: runtime.eventsQueue, clock: systemClock }, options.port);

      process.stdout.write(`sadakat serve: http://127.0.0.1:${server.port}/v1/batch (engine ${runtime.engine.engine}, data ${options.dataDir})\n`);
      if (!options.writeKey && !process.env.SADAKAT_WRITE_KEY) {
        // Shown once, to the operator who started the server; it is never logged afterwards.
        process.stdout.write(`write key for this session: ${writeKey}\n`);
      }

      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          process.stdout.write('sadakat serve: draining…\n');
          void server
            .close()
            .then(() => runtime.stop())
            .then(() => {
              process.stdout.write('sadakat serve: stopped cleanly\n');
              resolve();
            });
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
    });
}
