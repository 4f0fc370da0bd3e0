/**
 * A deployed function run locally: its bundle folder (index.mjs as esbuild wrote it, plus the
 * compiled campaign where the stack adds one) in a Node process of its own whose environment is
 * exactly what Lambda gives it — the variables from the template, Lambda's own, and nothing from
 * the test's process — except that the SDK's endpoint variables point at local services.
 * lambda-runner.mjs plays the Node.js runtime inside.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNNER = fileURLToPath(new URL('./lambda-runner.mjs', import.meta.url));

/** The bundle did not load: Lambda's Runtime.ImportModuleError (a missing file, a bad import, a syntax error). */
export class FunctionInitError extends Error {
  override readonly name = 'FunctionInitError';
}

/** The handler threw (or its process died): what Lambda reports as a function error. */
export class FunctionInvokeError extends Error {
  override readonly name = 'FunctionInvokeError';
  constructor(
    readonly functionName: string,
    readonly errorName: string,
    message: string,
  ) {
    super(`${functionName}: ${errorName}: ${message}`);
  }
}

export interface SandboxOptions {
  name: string;
  /** The folder Lambda unpacks the asset into (LAMBDA_TASK_ROOT). */
  taskRoot: string;
  handler: string;
  environment: Record<string, string>;
  timeoutMs: number;
  functionArn: string;
}

type RunnerMessage =
  | { type: 'ready' }
  | { type: 'init-error'; error: { name: string; message: string } }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: { name: string; message: string } };

export class FunctionSandbox {
  private readonly waiting = new Map<number, { done: (value: unknown) => void; fail: (error: Error) => void }>();
  private nextId = 0;
  private output = '';

  private constructor(
    readonly options: SandboxOptions,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    child.on('message', (message: RunnerMessage) => {
      if (message.type !== 'result' && message.type !== 'error') return;
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      if (message.type === 'result') waiter?.done(message.result);
      else waiter?.fail(new FunctionInvokeError(options.name, message.error.name, message.error.message));
    });
    child.on('exit', (code, signal) => {
      for (const waiter of this.waiting.values()) {
        waiter.fail(new FunctionInvokeError(options.name, 'Runtime.ExitError', `exited (${code ?? signal})`));
      }
      this.waiting.clear();
    });
  }

  /** Starts the process and waits for the bundle's init (the module import) to finish. */
  static async start(options: SandboxOptions): Promise<FunctionSandbox> {
    const child = fork(RUNNER, [], {
      cwd: options.taskRoot,
      env: options.environment,
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const sandbox = new FunctionSandbox(options, child);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: RunnerMessage): void => {
        if (message.type === 'ready') finish();
        else if (message.type === 'init-error')
          finish(
            new FunctionInitError(
              `${options.name}: the bundle did not load (${message.error.name}: ${message.error.message})`,
            ),
          );
      };
      const onExit = (code: number | null): void =>
        finish(new FunctionInitError(`${options.name}: exited during init (${code}): ${sandbox.output.slice(-2000)}`));
      const finish = (error?: Error): void => {
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (error) reject(error);
        else resolve();
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
    });
    return sandbox;
  }

  get name(): string {
    return this.options.name;
  }

  /** Everything the function wrote to stdout and stderr (its CloudWatch log). */
  logs(): string {
    return this.output;
  }

  /** Invocations so far. */
  get invocations(): number {
    return this.nextId;
  }

  invoke(event: unknown): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((done, fail) => {
      this.waiting.set(id, { done, fail });
      this.child.send({
        type: 'invoke',
        id,
        event,
        timeoutMs: this.options.timeoutMs,
        functionArn: this.options.functionArn,
        requestId: `${this.options.name}-${id}`,
      });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await exited;
  }
}
