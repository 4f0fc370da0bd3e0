/**
 * How a provider call failed, as the at-most-once rule needs it (DESIGN "Send" step 8):
 * `throttled` — nothing was sent, retry later; `permanent` — the provider refused this message;
 * `unknown` — a 5xx, timeout or dropped connection: it may have gone out, so it is never resent.
 * Adapters classify the SDK's errors into this; the domain never sees an SDK error.
 */
export type ProviderFailure = 'throttled' | 'permanent' | 'unknown';

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    readonly failure: ProviderFailure,
    /** The provider's error code (e.g. `MessageRejected`), safe to log. */
    readonly code: string,
  ) {
    super(`provider ${failure}: ${code}`);
  }
}
