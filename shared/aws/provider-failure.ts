/**
 * Classifies an AWS SDK error for the at-most-once rule (shared/channels/provider-error.ts):
 * throttling (nothing was sent) → `throttled`; any other client fault (4xx: rejected, invalid
 * parameter, opted out) → `permanent`; everything else — 5xx, timeouts, dropped connections,
 * errors with no HTTP answer at all — → `unknown`, because the message may have gone out.
 */
import { ProviderError, type ProviderFailure } from '../channels/provider-error.js';

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'KMSThrottlingException',
  'RequestLimitExceeded',
]);

interface SdkErrorShape {
  name?: string;
  Code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

export function providerFailure(error: unknown): ProviderFailure {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const code = errorCode(error);
  if (THROTTLING.has(code) || shape.$metadata?.httpStatusCode === 429) return 'throttled';
  const status = shape.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 400 && status < 500) return 'permanent';
  if (status === undefined && shape.$fault === 'client') return 'permanent';
  return 'unknown';
}

export function errorCode(error: unknown): string {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  return shape.Code ?? shape.name ?? 'Error';
}

export function toProviderError(error: unknown): ProviderError {
  return error instanceof ProviderError ? error : new ProviderError(providerFailure(error), errorCode(error));
}
