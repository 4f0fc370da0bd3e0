/** SMS: SNS to an E.164 number, transactional or promotional (DESIGN "Send"). */
import { checkAddressSuppression } from '../guards/suppression.js';
import { defineChannel } from './channel-entry.js';

export const smsChannel = defineChannel({
  channel: 'sms',
  consent: 'sms',
  // A number an agent reported wrong (a call's `wrong_number`) would text a stranger.
  address: (profile) => (profile.channels.phoneWrongAt === undefined ? profile.channels.phone : undefined),
  suppression: (profile, phone, list) =>
    checkAddressSuppression(profile.suppressed.sms, phone, list, profile.consent.sms),
  send: async (to, { request, content, tags, deps }) => {
    const senderId = deps.settings.sender.smsSenderId;
    const sms = {
      to,
      body: content.body,
      transactional: request.transactional,
      tags,
      ...(senderId ? { senderId } : {}),
    };
    return (await deps.sms.sendSms(sms)).providerMessageId;
  },
});
