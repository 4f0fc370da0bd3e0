/**
 * Batch operations (BatchWriteItem, BatchGetItem) may return part of a request unprocessed when
 * a partition is throttled; the caller must resend that part with exponential backoff.
 */

export interface BackoffOptions {
  /** Delay before the first resend; doubles each time (with full jitter). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Resends before giving up with an error naming what was left. */
  maxRetries: number;
}

export const defaultBackoff: BackoffOptions = { baseDelayMs: 50, maxDelayMs: 2_000, maxRetries: 10 };

export class UnprocessedItemsError extends Error {
  override readonly name = 'UnprocessedItemsError';
  constructor(
    operation: string,
    readonly remaining: number,
    retries: number,
  ) {
    super(
      `${operation}: ${remaining} request item(s) still unprocessed after ${retries} retries (table throttled); try again later`,
    );
  }
}

/**
 * Sends `request`, then resends whatever the response left unprocessed until nothing is left.
 * `attempt` performs one call and returns the unprocessed remainder (undefined when done).
 */
export async function retryUnprocessed<Request>(
  operation: string,
  request: Request,
  attempt: (request: Request) => Promise<{ remaining: Request | undefined; remainingCount: number }>,
  backoff: BackoffOptions = defaultBackoff,
): Promise<void> {
  let pending: Request | undefined = request;
  for (let retry = 0; pending !== undefined; retry++) {
    if (retry > 0) await sleep(jitteredDelay(backoff, retry));
    const { remaining, remainingCount } = await attempt(pending);
    pending = remainingCount > 0 ? remaining : undefined;
    if (pending !== undefined && retry >= backoff.maxRetries)
      throw new UnprocessedItemsError(operation, remainingCount, retry);
  }
}

function jitteredDelay(backoff: BackoffOptions, retry: number): number {
  const ceiling = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** (retry - 1));
  return Math.random() * ceiling;
}

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
