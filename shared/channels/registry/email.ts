/** Email: SES with the text and HTML parts and List-Unsubscribe (DESIGN "Send"). */
import { checkAddressSuppression } from '../guards/suppression.js';
import { listUnsubscribeHeaders } from '../list-unsubscribe.js';
import { defineChannel } from './channel-entry.js';

export const emailChannel = defineChannel({
  channel: 'email',
  consent: 'email',
  unsubscribeLink: true,
  address: (profile) => profile.channels.email,
  suppression: (profile, address, list) =>
    checkAddressSuppression(profile.suppressed.email, address, list, profile.consent.email),
  // A campaign without a from address cannot send email: a configuration error.
  misconfigured: (settings) => (settings.sender.fromAddress ? undefined : 'settings.sender.fromAddress is not set'),
  send: async (to, { content, tags, unsubscribeUrl, deps }) => {
    const { fromAddress: from, fromName } = deps.settings.sender;
    if (!from) throw new Error('settings.sender.fromAddress is not set: email cannot be sent without a from address');
    if (!unsubscribeUrl) throw new Error('email without an unsubscribe link');
    const sent = await deps.email.sendEmail({
      from: { address: from, ...(fromName ? { name: fromName } : {}) },
      to,
      subject: content.subject,
      text: content.text,
      html: content.html,
      headers: listUnsubscribeHeaders({
        url: unsubscribeUrl,
        ...(deps.unsubscribe.mailto ? { mailto: deps.unsubscribe.mailto } : {}),
      }),
      tags,
    });
    return sent.providerMessageId;
  },
});
