/**
 * settings.yaml `webhooks`: the internal systems a journey's `send: { channel: webhook, endpoint }`
 * posts to (a Slack workflow for VIP orders, a CRM, a coupon service). Each endpoint names its
 * URL, where its Standard Webhooks secret lives (never the secret itself: the campaign folder is
 * in a repository), its timeout, and — optionally — quiet hours and per-customer limits of its
 * own. Consent does not apply to internal systems; the campaign's quiet hours and caps do not
 * either unless the endpoint sets them.
 */
import * as z from 'zod';
import { DURATION_HINT, tryParseDuration } from './duration.js';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24-hour)');

/** Loopback hosts may be plain http (a receiver on the same machine, `sadakat serve`); the rest must be https. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Under the send function's own 30 s timeout, with room for the decision and the ledger. */
export const MAX_WEBHOOK_TIMEOUT_MS = 10_000;
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5_000;

const webhookUrl = z
  .string()
  .url('expected an absolute URL such as https://hooks.example.com/sadakat')
  .refine((text) => {
    const url = new URL(text);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  }, 'must be https (plain http only to localhost)')
  .refine((text) => new URL(text).username === '' && new URL(text).password === '', {
    message: 'must not carry credentials: the request is signed with the endpoint secret',
  });

export const webhookSecretRefSchema = z.union([
  z
    .strictObject({
      env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name such as SADAKAT_WEBHOOK_VIP'),
    })
    .describe('The secret is in this environment variable (locally; or set on the send function)'),
  z
    .strictObject({
      secretsManager: z.string().min(1).describe('Secret name or ARN in AWS Secrets Manager'),
    })
    .describe('The secret is in AWS Secrets Manager (the send function is granted read on it)'),
]);
export type WebhookSecretRef = z.infer<typeof webhookSecretRefSchema>;

export const webhookEndpointSchema = z
  .strictObject({
    url: webhookUrl,
    secret: webhookSecretRefSchema.describe(
      'Where the signing secret is: a Standard Webhooks secret, "whsec_" followed by base64',
    ),
    timeout: z
      .string()
      .refine((text) => tryParseDuration(text) !== undefined, DURATION_HINT)
      .refine(
        (text) => (tryParseDuration(text) ?? 0) <= MAX_WEBHOOK_TIMEOUT_MS,
        `at most ${MAX_WEBHOOK_TIMEOUT_MS / 1000}s`,
      )
      .optional()
      .describe('How long one attempt waits for the answer (default 5s, at most 10s)'),
    quietHours: z
      .strictObject({ start: clockTime, end: clockTime })
      .optional()
      .describe("Quiet hours in the customer's timezone; none unless set"),
    limits: z
      .strictObject({
        perDay: z.number().int().positive().optional(),
        perWeek: z.number().int().positive().optional(),
      })
      .optional()
      .describe('Per-customer caps on this endpoint; none unless set'),
  })
  .describe('A webhook endpoint: an internal system sadakat posts signed JSON to');
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;

export const webhookEndpointName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'endpoint names: lower-case letters, digits, - and _');

export const webhooksSchema = z
  .record(webhookEndpointName, webhookEndpointSchema)
  .describe('Webhook endpoints by name (journeys: send: { channel: webhook, endpoint: <name> })');

export function webhookTimeoutMs(endpoint: Pick<WebhookEndpoint, 'timeout'>): number {
  return endpoint.timeout === undefined
    ? DEFAULT_WEBHOOK_TIMEOUT_MS
    : (tryParseDuration(endpoint.timeout) ?? DEFAULT_WEBHOOK_TIMEOUT_MS);
}
