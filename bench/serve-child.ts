/**
 * The load bench's servers, each in its own process so the driver's event loop is not theirs:
 * `sadakat serve` as an operator starts it (tsx, its own data folder, `--trace`), and the peer —
 * a bare loopback HTTP server that reads and parses a body and answers 200, the transport's ceiling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Engines, tsx and the campaign load in a few seconds alone; a busy shared machine takes far longer. */
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 120_000;

export interface ChildServer {
  url: string;
  /** stdout so far (the ready line, the drain lines). */
  output(): string;
  /** SIGTERM, then waits for a clean exit (SIGKILL after a timeout); resolves with the exit code. */
  stop(): Promise<number | null>;
  /** CPU ms (user + system, every thread) the process has used so far; undefined where /proc is missing. */
  cpuMs(): Promise<number | undefined>;
}

export interface ServeChildOptions {
  dataDir: string;
  writeKey: string;
  tracePath: string;
  engine: 'dynalite' | 'dynamodb-local';
  journeys?: boolean;
  /** The campaign folder (`--campaign`); the example campaign when absent. */
  campaign?: string;
  /** `--browser-key`: a second, public write key whose calls are unverified. */
  browserKey?: string;
  /** `--identity-secret`: verifies `context.identityToken` on browser calls. */
  identitySecret?: string;
  /**
   * Every handler logger at this level, as Lambda's log-level control sets it (AWS_LAMBDA_LOG_LEVEL
   * overrides a Powertools logger's own level): the cost bench counts the bytes logged at INFO.
   */
  lambdaLogLevel?: 'INFO' | 'WARN';
}

export function startServeChild(options: ServeChildOptions): Promise<ChildServer> {
  const args = [
    '--import',
    'tsx',
    'cli/main.ts',
    'serve',
    '--port',
    '0',
    '--data-dir',
    options.dataDir,
    '--engine',
    options.engine,
    '--write-key',
    options.writeKey,
    '--trace',
    options.tracePath,
  ];
  if (options.journeys === false) args.push('--no-journeys');
  if (options.campaign !== undefined) args.push('--campaign', options.campaign);
  if (options.browserKey !== undefined) args.push('--browser-key', options.browserKey);
  if (options.identitySecret !== undefined) args.push('--identity-secret', options.identitySecret);
  return startChild(args, /http:\/\/127\.0\.0\.1:(\d+)\/v1\/batch/, {
    ...(options.lambdaLogLevel ? { AWS_LAMBDA_LOG_LEVEL: options.lambdaLogLevel } : {}),
  });
}

/** Reads and parses each body, answers 200 with the batch size: what any ingest costs at least. */
const BARE_SERVER = `
import { createServer } from 'node:http';
const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ accepted: Array.isArray(body.batch) ? body.batch.length : 1, rejected: [] }));
  });
});
const sockets = new Set();
server.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});
server.listen(0, '127.0.0.1', () => process.stdout.write('bare: http://127.0.0.1:' + server.address().port + '/v1/batch\\n'));
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  for (const socket of sockets) socket.destroy();
});
`;

export function startBareServer(): Promise<ChildServer> {
  return startChild(['--input-type=module', '-e', BARE_SERVER], /http:\/\/127\.0\.0\.1:(\d+)\/v1\/batch/);
}

function startChild(args: string[], ready: RegExp, env: Record<string, string> = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(`not ready after ${READY_TIMEOUT_MS / 1000}s`), READY_TIMEOUT_MS);
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`server child ${why}\n${stdout}${stderr}`));
    };
    child.stdout.on('data', () => {
      const port = ready.exec(stdout)?.[1];
      if (!port || settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        url: `http://127.0.0.1:${port}`,
        output: () => stdout,
        stop: () => stopChild(child, exited),
        cpuMs: () => processCpuMs(child.pid),
      });
    });
    void exited.then((code) => fail(`exited early with code ${code}`));
  });
}

/** utime + stime of /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux). */
async function processCpuMs(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  const code = await exited;
  clearTimeout(timer);
  return code;
}
