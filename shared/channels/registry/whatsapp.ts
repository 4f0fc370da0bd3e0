/**
 * WhatsApp: AWS End User Messaging Social `SendWhatsAppMessage` to the customer's phone number,
 * with its own consent (`consent.whatsapp`, asked for apart from SMS). Meta's 24-hour rule
 * (whatsapp/window.ts) decides the form: free-form text only while the customer wrote in the last
 * 24 hours, an approved template otherwise. At most once, like SMS; quiet hours and caps apply.
 */
import { checkAddressSuppression } from '../guards/suppression.js';
import { whatsappAddress } from '../suppression-address.js';
import { chooseWhatsAppMessage } from '../whatsapp/window.js';
import { defineChannel } from './channel-entry.js';

export const whatsappChannel = defineChannel({
  channel: 'whatsapp',
  consent: 'whatsapp',
  address: (profile) =>
    profile.channels.phone === undefined
      ? undefined
      : { phone: profile.channels.phone, lastInboundAt: profile.whatsapp?.lastInboundAt },
  // An SMS opt-out is a carrier keyword about SMS and says nothing about WhatsApp. A STOP sent on
  // WhatsApp revokes `consent.whatsapp` of the customer the number was messaged for, and suppresses
  // the number's WhatsApp conversation for every profile that carries it (a reassigned or shared
  // number: decision 202), until that profile's own later grant.
  suppression: (profile, { phone }, list) =>
    checkAddressSuppression(undefined, whatsappAddress(phone), list, profile.consent.whatsapp),
  fit: ({ lastInboundAt }, content, now) => {
    const chosen = chooseWhatsAppMessage(content, lastInboundAt, now);
    if (!chosen.ok) return chosen;
    const { message } = chosen;
    return {
      ok: true,
      content:
        message.kind === 'text'
          ? { channel: 'whatsapp', text: message.body }
          : {
              channel: 'whatsapp',
              template: { name: message.name, language: message.language, parameters: message.parameters },
            },
    };
  },
  send: async ({ phone }, { request, content, tags, deps }) => {
    const message = content.template
      ? ({ kind: 'template', ...content.template } as const)
      : content.text !== undefined
        ? ({ kind: 'text', body: content.text } as const)
        : undefined;
    if (!message) throw new Error('whatsapp send without content');
    const { providerMessageId } = await deps.whatsapp.sendWhatsApp({ to: phone, message, tags });
    // After the call: a failed link costs an inbound message its customer, never the message.
    await deps.whatsappDirectory?.remember(phone, request.customerId).catch(() => undefined);
    return providerMessageId;
  },
});
