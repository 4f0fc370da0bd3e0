/** Inbound WhatsApp: the event destination's SNS messages read, and what process-events does with them. */
import { describe, expect, it } from 'vitest';
import { decideSend } from '../../../shared/channels/decide-send.js';
import { templateSetOf } from '../../../shared/channels/load-templates.js';
import { identityDirectory } from '../../../shared/channels/whatsapp/directory.js';
import { normalizeAddress } from '../../../shared/channels/suppression-address.js';
import { customerFunnel, type ReportMessage } from '../../../shared/measurement/customer-funnel.js';
import { handleWhatsAppEvents } from '../../../shared/channels/whatsapp/events.js';
import { isStopRequest, readWhatsAppEvent } from '../../../shared/channels/whatsapp/inbound.js';
import { InMemoryIdentities } from '../../../shared/journeys/simulation/in-memory-customer-stores.js';
import { RecordingEngagementMarks, RecordingEventQueue } from '../../fakes/in-memory-channels.js';
import {
  InMemoryMessageStats,
  InMemorySendLedger,
  InMemorySuppressionList,
} from '../../../shared/channels/in-memory-channel-stores.js';
import { TEST_PEPPER } from '../../fakes/test-pepper.js';
import { customerMessageSchema, deduplicationKey, type CustomerMessage } from '../../../shared/events/messages.js';
import type { ProcessDeps } from '../../../shared/profiles/phases/message-state.js';
import { nextProfile, profileEditOf, type ProfileEdit } from '../../../shared/profiles/phases/profile-step.js';
import { writeProfile } from '../../../shared/profiles/phases/write-profile.js';
import { VirtualClock } from '../../../shared/local/virtual-clock.js';
import { InMemoryProfileStore } from '../../fakes/in-memory-ports.js';
import type { Profile } from '../../../shared/profiles/schema.js';
import { consentingProfile, NOON, sendHarness, sendRequest, TEMPLATES } from './send-harness.js';

const AT = Math.floor(NOON.getTime() / 1000);

/** An SNS message as End User Messaging Social publishes it: a header around Meta's webhook entry (a JSON string). */
function snsMessage(value: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  return JSON.stringify({
    context: { MetaWabaIds: [{ wabaId: '1234567890abcde' }], MetaPhoneNumberIds: [{ metaPhoneNumberId: 'abc' }] },
    whatsAppWebhookEntry: JSON.stringify({ id: '1234567890abcde', changes: [{ field: 'messages', value }] }),
    aws_account_id: '123456789012',
    message_timestamp: NOON.toISOString(),
    ...header,
  });
}

const inbound = (body: string, from = '905551112233', id = 'wamid.in1') =>
  snsMessage({
    messaging_product: 'whatsapp',
    contacts: [{ profile: { name: 'Ayşe' }, wa_id: from }],
    messages: [{ from, id, timestamp: String(AT), type: 'text', text: { body } }],
  });

describe('readWhatsAppEvent', () => {
  it('reads an inbound text as the number (E.164), its time and whether it says stop, never the text', () => {
    // Act
    const events = readWhatsAppEvent(inbound('Merhaba, siparişim nerede?'));

    // Assess
    expect(events).toEqual({
      inbound: [{ phone: '+905551112233', providerMessageId: 'wamid.in1', at: NOON.toISOString(), stop: false }],
      statuses: [],
    });
  });

  it('knows stop words in English and Turkish, as the whole message in any case, and the marketing quick reply', () => {
    expect(
      ['STOP', ' stop ', 'Stop', 'iptal', 'İPTAL', 'ret', 'Stop promotions', 'unsubscribe'].map(isStopRequest),
    ).toEqual(Array(8).fill(true));
    expect(['stop sending me the wrong size', 'nonstop', '', 'STOP!', undefined].map(isStopRequest)).toEqual(
      Array(5).fill(false),
    );
    const button = snsMessage({
      messages: [
        { from: '905551112233', id: 'w2', timestamp: String(AT), type: 'button', button: { text: 'Stop promotions' } },
      ],
    });
    expect(readWhatsAppEvent(button).inbound[0]?.stop).toBe(true);
  });

  it('reads statuses by the id SendWhatsAppMessage returned, with Meta error codes on failures', () => {
    const events = readWhatsAppEvent(
      snsMessage(
        {
          statuses: [
            {
              id: 'wamid.out1',
              status: 'failed',
              timestamp: String(AT),
              recipient_id: '905551112233',
              errors: [
                { code: 131049, title: 'This message was not delivered to maintain healthy ecosystem engagement.' },
              ],
            },
          ],
        },
        { messageId: 'aws-msg-1' },
      ),
    );

    expect(events.statuses).toEqual([
      {
        providerMessageId: 'aws-msg-1',
        phone: '+905551112233',
        status: 'failed',
        at: NOON.toISOString(),
        errorCode: '131049',
      },
    ]);
  });

  it('drops what it cannot read instead of throwing: not JSON, a broken entry, a bad number or time, an unknown status', () => {
    const hostile = [
      'not json',
      JSON.stringify({ whatsAppWebhookEntry: '{"changes": [' }),
      JSON.stringify({ whatsAppWebhookEntry: 42 }),
      inbound('hi', '+0000'),
      inbound('hi', '90555<script>'),
      snsMessage({
        messages: [{ from: '905551112233', id: 'x', timestamp: '-1', type: 'text', text: { body: 'STOP' } }],
      }),
      snsMessage({ statuses: [{ id: 'x', status: 'deleted', timestamp: String(AT), recipient_id: '905551112233' }] }),
    ];

    for (const message of hostile) expect(readWhatsAppEvent(message)).toEqual({ inbound: [], statuses: [] });
  });
});

describe('process-events and whatsapp_inbound messages', () => {
  const deps = { segments: undefined, journeys: null } as unknown as Parameters<typeof nextProfile>[0];
  const message = (at: string, stop: boolean, id = 'wamid.in1'): CustomerMessage =>
    customerMessageSchema.parse({ kind: 'whatsapp_inbound', customerId: 'c1', providerMessageId: id, at, stop });
  const apply = (stored: Profile | undefined, next: CustomerMessage) => {
    const edit = profileEditOf(next, { trackedProperties: {}, timezone: 'Europe/Istanbul' });
    if (!edit) throw new Error('no edit');
    return nextProfile(deps, 'c1', stored, edit, NOON);
  };
  const whatsappCustomer = () => {
    const profile = consentingProfile();
    profile.consent.whatsapp = { granted: true, at: '2026-10-01T00:00:00Z' };
    return profile;
  };

  it('opens the window from the latest message; a late redelivery of an older one never moves it back', () => {
    // Act
    const first = apply(whatsappCustomer(), message('2026-11-02T08:00:00Z', false));
    const profile = first.kind === 'changed' ? first.profile : undefined;
    const older = apply(profile, message('2026-11-01T08:00:00Z', false, 'wamid.old'));

    // Assess
    expect(profile?.whatsapp).toEqual({ lastInboundAt: '2026-11-02T08:00:00.000Z' });
    expect(older.kind === 'changed' && older.profile.whatsapp).toEqual({ lastInboundAt: '2026-11-02T08:00:00.000Z' });
    expect(deduplicationKey(message('2026-11-02T08:00:00Z', false))).toBe('whatsapp_inbound:wamid.in1');
  });

  it('creates no profile for a number nobody is known by (or a forgotten customer)', async () => {
    expect(apply(undefined, message('2026-11-02T08:00:00Z', true))).toEqual({ kind: 'unchanged', status: 'ignored' });
    // The same through process-events' profile write.
    const profiles = new InMemoryProfileStore();
    const edit = profileEditOf(message('2026-11-02T08:00:00Z', true), { trackedProperties: {}, timezone: 'UTC' });
    const written = await writeProfile(
      { profiles, clock: new VirtualClock(NOON), segments: undefined, journeys: null } as unknown as ProcessDeps,
      'c9',
      edit as ProfileEdit,
    );
    expect(written.outcome.status).toBe('ignored');
    expect(await profiles.getProfile('c9')).toBeUndefined();
  });

  it('treats STOP as a final revocation: the next WhatsApp send is no_consent, SMS still goes', async () => {
    // Prepare: a grant dated after the STOP (a replayed identify) must not outweigh it
    const customer = whatsappCustomer();
    customer.consent.whatsapp = { granted: true, at: '2026-11-02T08:30:00Z' };

    // Act
    const stopped = apply(customer, message('2026-11-02T08:00:00Z', true));
    const profile = stopped.kind === 'changed' ? stopped.profile : customer;
    const harness = sendHarness({ profile });
    harness.deps.templates = templateSetOf({
      ...TEMPLATES,
      'welcome/whatsapp.template.liquid': '---\nname: welcome\nlanguage: tr\n---\n{{ profile.name.first }}\n',
    });
    const whatsapp = await decideSend(harness.deps, sendRequest({ channel: 'whatsapp' }));
    const sms = await decideSend(harness.deps, sendRequest({ channel: 'sms', stepId: 's2' }));

    // Assess
    expect(profile.consent.whatsapp).toMatchObject({ granted: false });
    expect(whatsapp).toMatchObject({ reason: 'no_consent', channel: 'whatsapp' });
    expect(sms.reason).toBe('sent');
  });
});

/** whatsapp-events' ports for a test that reads no statuses. */
function statusDeps() {
  return {
    suppression: new InMemorySuppressionList(),
    ledger: new InMemorySendLedger(),
    marks: new RecordingEngagementMarks(),
    stats: new InMemoryMessageStats(),
  };
}

/** A WhatsApp send that went out to c1 (ledger `sent`, the number in the directory), and whatsapp-events' deps over the same stores. */
async function sentWhatsApp() {
  const profile = consentingProfile();
  profile.consent.whatsapp = { granted: true, at: '2026-10-01T00:00:00Z' };
  const harness = sendHarness({ profile });
  harness.deps.templates = templateSetOf({
    ...TEMPLATES,
    'welcome/whatsapp.template.liquid': '---\nname: welcome\nlanguage: tr\n---\n{{ profile.name.first }}\n',
  });
  const directory = identityDirectory(new InMemoryIdentities(), TEST_PEPPER);
  harness.deps.whatsappDirectory = directory;
  const request = sendRequest({ channel: 'whatsapp' });
  const decided = await decideSend(harness.deps, request);
  expect(decided.reason).toBe('sent');
  const marks = new RecordingEngagementMarks();
  const events = new RecordingEventQueue();
  const deps = {
    directory,
    events,
    suppression: harness.suppression,
    ledger: harness.ledger,
    marks,
    stats: harness.stats,
  };
  return { harness, request, deps, marks, events };
}

describe('whatsapp-events: numbers to customers', () => {
  it('sends an inbound message of a number the send messaged to that customer, and drops a stranger', async () => {
    // Prepare: the send remembered c1 at this number (as the whatsapp registry entry does after a send)
    const identities = new InMemoryIdentities();
    const keys: string[] = [];
    const directory = identityDirectory(
      {
        resolve: (ids) => identities.resolve(ids),
        link: (key, customerId) => {
          keys.push(key);
          return identities.link(key, customerId);
        },
      },
      TEST_PEPPER,
    );
    await directory.remember('+905551112233', 'c1');
    const events = new RecordingEventQueue();

    // Act
    const deps = { ...statusDeps(), directory, events };
    const known = await handleWhatsAppEvents(deps, readWhatsAppEvent(inbound('STOP')));
    const stranger = await handleWhatsAppEvents(deps, readWhatsAppEvent(inbound('hi', '905559998877', 'wamid.in2')));

    // Assess
    expect(known).toMatchObject({ inbound: 1, stops: 1, unknownNumbers: 0, statuses: 0 });
    expect(stranger).toMatchObject({ inbound: 0, stops: 0, unknownNumbers: 1, statuses: 0 });
    expect(events.messages).toEqual([
      {
        kind: 'whatsapp_inbound',
        customerId: 'c1',
        providerMessageId: 'wamid.in1',
        at: NOON.toISOString(),
        stop: true,
      },
    ]);
    // The number itself is never a key: only its peppered hash is.
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^whatsapp:[0-9a-f]{64}$/);
  });

  it('is remembered by a WhatsApp send that went out', async () => {
    const { deps } = await sentWhatsApp();
    const { directory } = deps;

    expect(await directory.customerOf('+905551112233')).toBe('c1');
    expect(await directory.customerOf('+905550000000')).toBeUndefined();
  });
});

describe('whatsapp-events: statuses of our messages become engagement (decision 201)', () => {
  const status = (
    state: string,
    callbackData: string | undefined,
    extra: Record<string, unknown> = {},
    recipient = '905551112233',
  ) =>
    snsMessage({
      statuses: [
        {
          id: 'wamid.out1',
          status: state,
          timestamp: String(AT + 60),
          recipient_id: recipient,
          ...(callbackData === undefined ? {} : { biz_opaque_callback_data: callbackData }),
          ...extra,
        },
      ],
    });

  it('reads the message id the send put in biz_opaque_callback_data', () => {
    expect(readWhatsAppEvent(status('delivered', 'abc123')).statuses[0]).toMatchObject({ callbackData: 'abc123' });
    expect(readWhatsAppEvent(status('delivered', 'x'.repeat(513))).statuses).toEqual([]);
  });

  it('makes delivered, read and failed the delivered, opened and bounced engagement of the journey step that sent it', async () => {
    // Prepare
    const { harness, request, deps, marks, events } = await sentWhatsApp();
    const at = new Date((AT + 60) * 1000).toISOString();

    // Act
    const outcomes = [];
    for (const state of ['sent', 'delivered', 'read'])
      outcomes.push(await handleWhatsAppEvents(deps, readWhatsAppEvent(status(state, request.messageId))));

    // Assess
    expect(outcomes.map((outcome) => outcome.engaged)).toEqual([0, 1, 1]);
    const step = { messageId: request.messageId, journeyId: 'welcome-journey', runId: 'r1', stepId: 's1', at };
    expect(events.messages).toEqual([
      { kind: 'engagement', customerId: 'c1', type: 'delivered', ...step },
      { kind: 'engagement', customerId: 'c1', type: 'opened', ...step },
    ]);
    // A read is a delivery too on the ledger (Meta sends no `delivered` for a message read at once).
    expect(marks.marks.map((mark) => mark.metric)).toEqual(['delivered', 'opened', 'delivered']);
    expect(harness.stats.increments.filter((key) => key.channel === 'whatsapp').map((key) => key.metric)).toEqual([
      'sent',
      'delivered',
      'opened',
    ]);
    expect((await harness.ledger.find('c1', request.messageId))?.status).toBe('sent');
  });

  it("records a failed status after sent: the ledger entry becomes failed with Meta's code, and the step sees a bounce", async () => {
    // Prepare
    const { harness, request, deps, events } = await sentWhatsApp();
    const failed = status('failed', request.messageId, { errors: [{ code: 131049, title: 'ecosystem' }] });

    // Act
    const first = await handleWhatsAppEvents(deps, readWhatsAppEvent(failed));
    const redelivered = await handleWhatsAppEvents(deps, readWhatsAppEvent(failed));

    // Assess
    expect(first).toMatchObject({ engaged: 1, lateFailures: 1, unmatched: 0 });
    expect(redelivered).toMatchObject({ engaged: 1, lateFailures: 0 });
    expect(await harness.ledger.find('c1', request.messageId)).toMatchObject({
      status: 'failed',
      detail: 'Meta 131049',
      providerMessageId: 'wa-1',
    });
    expect(events.messages[0]).toMatchObject({ kind: 'engagement', type: 'bounced', customerId: 'c1' });
  });

  it("counts in the report's customer funnel: read as delivered and opened, a late failure as sent and bounced", async () => {
    // Prepare: c1's message is read; c2's (same step) fails after sent
    const read = await sentWhatsApp();
    const failed = await sentWhatsApp();
    await handleWhatsAppEvents(read.deps, readWhatsAppEvent(status('read', read.request.messageId)));
    await handleWhatsAppEvents(
      failed.deps,
      readWhatsAppEvent(status('failed', failed.request.messageId, { errors: [{ code: 131049 }] })),
    );
    const reportMessage = async (
      { harness, marks, request }: Awaited<ReturnType<typeof sentWhatsApp>>,
      customerId: string,
    ): Promise<ReportMessage> => {
      const entry = (await harness.ledger.find('c1', request.messageId))!;
      return {
        customerId,
        journeyId: entry.journeyId,
        channel: entry.channel,
        status: entry.status,
        claimedAt: entry.claimedAt,
        engaged: Object.fromEntries(marks.marks.map((mark) => [mark.metric, mark.at])),
      };
    };

    // Act
    const funnel = customerFunnel(
      new Map([
        ['c1', NOON.toISOString()],
        ['c2', NOON.toISOString()],
      ]),
      new Map([
        ['c1', [await reportMessage(read, 'c1')]],
        ['c2', [await reportMessage(failed, 'c2')]],
      ]),
    );

    // Assess
    expect(funnel).toMatchObject({ sent: 2, delivered: 1, opened: 1, bounced: 1 });
  });

  it("changes nothing for a status naming no WhatsApp message of the number's customer", async () => {
    // Prepare: an email entry of c1 under another message id
    const { harness, request, deps, marks, events } = await sentWhatsApp();
    const email = sendRequest({ stepId: 's9', messageId: 'e'.repeat(64) });
    expect((await decideSend(harness.deps, email)).reason).toBe('sent');

    // Act
    const outcomes = [
      // No callback data: a message another system sent from the same account.
      await handleWhatsAppEvents(deps, readWhatsAppEvent(status('failed', undefined))),
      // Another message id, or an entry of another channel.
      await handleWhatsAppEvents(deps, readWhatsAppEvent(status('failed', 'f'.repeat(64)))),
      await handleWhatsAppEvents(deps, readWhatsAppEvent(status('read', email.messageId))),
      // The right message id from a number nobody was messaged at (a reassigned number's new holder).
      await handleWhatsAppEvents(deps, readWhatsAppEvent(status('failed', request.messageId, {}, '905559998877'))),
    ];

    // Assess
    expect(outcomes.map((outcome) => outcome.unmatched)).toEqual([1, 1, 1, 1]);
    expect(events.messages).toEqual([]);
    expect(marks.marks).toEqual([]);
    expect((await harness.ledger.find('c1', request.messageId))?.status).toBe('sent');
  });
});

describe('a number that changes hands (decision 202)', () => {
  it("suppresses the number on a STOP, so the new holder's profile gets no more WhatsApp until its own later grant", async () => {
    // Prepare: the number was first messaged for c1; it now belongs to c2 too (the shop's data has both)
    const { harness, deps, events } = await sentWhatsApp();
    const newHolder = consentingProfile('c2');
    newHolder.consent.whatsapp = { granted: true, at: '2026-10-05T00:00:00Z' };
    harness.profiles.items.set('c2', newHolder);
    const toNewHolder = (stepId: string, channel: 'whatsapp' | 'sms' = 'whatsapp') =>
      decideSend(harness.deps, sendRequest({ customerId: 'c2', channel, stepId, messageId: stepId.repeat(64) }));

    // Act: the person holding the phone now writes STOP
    const outcome = await handleWhatsAppEvents(deps, readWhatsAppEvent(inbound('STOP', '905551112233', 'wamid.s')));
    const whatsapp = await toNewHolder('a');
    const sms = await toNewHolder('b', 'sms');
    newHolder.consent.whatsapp = { granted: true, at: new Date((AT + 3600) * 1000).toISOString() };
    const afterGrant = await toNewHolder('c');

    // Assess: the directory's customer gets the revocation; the number is suppressed for everyone
    expect(outcome).toMatchObject({ stops: 1, inbound: 1 });
    expect(events.messages).toEqual([
      expect.objectContaining({ kind: 'whatsapp_inbound', customerId: 'c1', stop: true }),
    ]);
    expect(whatsapp).toMatchObject({ reason: 'suppressed', detail: 'address', channel: 'whatsapp' });
    expect(sms.reason).toBe('sent');
    expect(afterGrant.reason).toBe('sent');
  });

  it('suppresses a STOP from a number nobody was messaged at, and keeps it apart from SMS opt-outs', async () => {
    // Prepare
    const directory = identityDirectory(new InMemoryIdentities(), TEST_PEPPER);
    const deps = { ...statusDeps(), directory, events: new RecordingEventQueue() };

    // Act
    const outcome = await handleWhatsAppEvents(deps, readWhatsAppEvent(inbound('İptal', '905559998877', 'wamid.x')));

    // Assess
    expect(outcome).toMatchObject({ stops: 1, inbound: 0, unknownNumbers: 1 });
    expect(await deps.suppression.isSuppressed('whatsapp:+905559998877')).toBe(true);
    expect(await deps.suppression.isSuppressed('+905559998877')).toBe(false);
    expect(normalizeAddress(' whatsapp:+90 555 999 88 77 ')).toBe('whatsapp:+905559998877');
  });
});
