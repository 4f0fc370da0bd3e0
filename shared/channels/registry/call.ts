/**
 * Call: a task for a call-center agent (Amazon Connect in AWS, a call list locally) — the most
 * intrusive message there is, so it takes the same decision as every other send: consent
 * (`consent.call`, İYS `ARAMA`), quiet hours, a `call` frequency cap, the ledger (whose message id
 * is Connect's ClientToken). A number an agent reported wrong makes the customer unreachable.
 */
import { callTaskOf } from '../call-task.js';
import { PASS } from '../guards/guard-result.js';
import { defineChannel } from './channel-entry.js';

export const callChannel = defineChannel({
  channel: 'call',
  consent: 'call',
  address: (profile) =>
    profile.channels.phone === undefined || profile.channels.phoneWrongAt !== undefined
      ? undefined
      : { phone: profile.channels.phone, name: profile.name },
  // A "stop calling me" is consent `call: false`; an SMS opt-out of the number is about SMS only.
  suppression: async () => PASS,
  send: async ({ phone, name }, { request, content, tags, now, deps }) => {
    const task = callTaskOf({ request, name, phone, script: content.script, tags, now });
    return (await deps.calls.createCallTask(task)).providerMessageId;
  },
});
