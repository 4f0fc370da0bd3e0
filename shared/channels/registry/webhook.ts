/**
 * Webhook: a signed JSON POST to an internal system named in settings.yaml `webhooks` (a Slack
 * workflow, a CRM, a coupon service), in the Standard Webhooks model: `webhook-id` is the ledger
 * id, every attempt is signed afresh, and delivery is at least once — the receiver de-duplicates
 * by the id (decision 160). Consent does not apply to the shop's own systems; erasure does (a
 * forgotten customer has no profile, so nothing is sent about them).
 */
import { webhookTimeoutMs } from '../../config/webhook-settings.js';
import { PASS } from '../guards/guard-result.js';
import { defineChannel } from './channel-entry.js';

export const webhookChannel = defineChannel({
  channel: 'webhook',
  consent: null,
  address: (_profile, request) => request.endpoint,
  // No address of the customer's is used: nothing a bounce or opt-out could suppress.
  suppression: async () => PASS,
  misconfigured: (settings, request) => {
    if (request.endpoint === undefined) return 'a webhook send names no endpoint';
    return settings.webhooks?.[request.endpoint]
      ? undefined
      : `settings.webhooks has no endpoint "${request.endpoint}"`;
  },
  policy: (settings, request) => {
    const endpoint = request.endpoint === undefined ? undefined : settings.webhooks?.[request.endpoint];
    return { quietHours: endpoint?.quietHours, limits: endpoint?.limits };
  },
  send: async (name, { request, content, deps }) => {
    const endpoint = deps.settings.webhooks?.[name];
    if (!endpoint) throw new Error(`settings.webhooks has no endpoint "${name}"`);
    await deps.webhook.post({
      endpoint: name,
      url: endpoint.url,
      secret: endpoint.secret,
      timeoutMs: webhookTimeoutMs(endpoint),
      webhookId: request.messageId,
      body: content.body,
    });
    return undefined;
  },
});
