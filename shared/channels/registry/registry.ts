/**
 * The channels sadakat sends on, one entry each (channel-entry.ts). A channel added to
 * `channelSchema` (send-request.ts) fails to compile until it has an entry here.
 */
import type { Channel } from '../send-request.js';
import { callChannel } from './call.js';
import type { ChannelEntry } from './channel-entry.js';
import { emailChannel } from './email.js';
import { pushChannel } from './push.js';
import { smsChannel } from './sms.js';
import { webhookChannel } from './webhook.js';
import { whatsappChannel } from './whatsapp.js';

export const CHANNELS: { readonly [C in Channel]: ChannelEntry<C> } = {
  email: emailChannel,
  sms: smsChannel,
  push: pushChannel,
  webhook: webhookChannel,
  call: callChannel,
  whatsapp: whatsappChannel,
};
