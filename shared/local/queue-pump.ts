/**
 * A long-running consumer of a LocalFifoQueue, as Lambda's event source mapping keeps polling in
 * AWS: a drain starts when something is queued (`kick`) or on a slow poll (redeliveries after a
 * visibility timeout), and never two drains at once. A kick during a drain asks for one more, so
 * a message queued as the drain was finishing is not left for the next poll.
 */
import type { Clock } from '../ports.js';
import type { LocalFifoQueue } from './fifo-queue.js';
import { drainQueue, type DrainStats, type SqsHandler } from './queue-driver.js';

export interface QueuePumpOptions {
  concurrency: number;
  clock: Clock;
  functionName?: string;
  /** How often to look for messages nobody kicked about. */
  pollMs?: number;
  /** Totals of every drain (deliveries, failures, dead-lettered). */
  onDrained?: (stats: DrainStats) => void;
  /** A drain that failed outside any handler (the driver itself); the next kick tries again. */
  onError?: (error: unknown) => void;
}

export class QueuePump {
  private running: Promise<void> | undefined;
  private again = false;
  private readonly poll: NodeJS.Timeout;

  constructor(
    readonly queue: LocalFifoQueue,
    private readonly handler: SqsHandler,
    private readonly options: QueuePumpOptions,
  ) {
    this.poll = setInterval(() => this.kick(), options.pollMs ?? 200);
    // The poll alone never keeps the process alive; the server or the caller does.
    this.poll.unref();
  }

  /** Starts a drain, or asks the running one for another pass. */
  kick(): void {
    this.settle().catch((error: unknown) => {
      if (this.options.onError) this.options.onError(error);
      else process.stderr.write(`${this.queue.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  }

  /** Drains until the queue is empty at the end of a pass (resolves when that pass ends). */
  settle(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        const stats = await drainQueue(this.queue, this.handler, {
          concurrency: this.options.concurrency,
          clock: this.options.clock,
          ...(this.options.functionName ? { functionName: this.options.functionName } : {}),
        });
        this.options.onDrained?.(stats);
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Nothing queued, nothing in flight, no drain running. */
  get idle(): boolean {
    return !this.running && this.queue.depth === 0 && this.queue.inFlight === 0;
  }

  /** Stops polling; kicks and `settle` still work (close drains what was accepted). */
  stopPolling(): void {
    clearInterval(this.poll);
  }
}

/** Settles every pump in turn until all are idle together (sends can queue events and back). */
export async function settleAll(pumps: readonly QueuePump[]): Promise<void> {
  do {
    for (const pump of pumps) await pump.settle();
  } while (!pumps.every((pump) => pump.idle));
}
