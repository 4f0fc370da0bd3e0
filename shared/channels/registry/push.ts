/**
 * Push: SNS platform endpoints. Endpoints SNS reports disabled go back to the customer's events
 * group as `device` messages, so the profile stops offering them.
 */
import type { CustomerMessage } from '../../events/messages.js';
import type { PushDevice } from '../../profiles/schema.js';
import { PASS } from '../guards/guard-result.js';
import { ProviderError } from '../provider-error.js';
import { defineChannel } from './channel-entry.js';

export const pushChannel = defineChannel({
  channel: 'push',
  consent: 'push',
  // Disabled devices still make the customer reachable: they are the suppression guard's business.
  address: (profile): PushDevice[] | undefined =>
    profile.channels.push.length > 0 ? profile.channels.push : undefined,
  suppression: async (_profile, devices) =>
    devices.some((device) => device.enabled)
      ? PASS
      : { ok: false, reason: 'suppressed', detail: 'every push endpoint is disabled' },
  send: async (devices, { request, content, tags, deps }) => {
    const enabled = devices.filter((device) => device.enabled);
    const result = await deps.push.sendPush({ devices: enabled, title: content.title, body: content.body, tags });
    if (result.disabled.length > 0) {
      const at = deps.clock.now().toISOString();
      const messages: CustomerMessage[] = result.disabled.map((endpoint) => ({
        kind: 'device',
        customerId: request.customerId,
        endpoint,
        enabled: false,
        at,
      }));
      await deps.events.enqueue(messages);
    }
    if (result.delivered === 0) throw new ProviderError('permanent', 'EndpointDisabled');
    return result.providerMessageId;
  },
});
