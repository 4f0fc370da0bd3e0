/** Issue 22 at the edge: Survey Answered and the complaint events — who may send them, and their checked properties. */
import { describe, expect, it } from 'vitest';
import { MAX_COMMENT_LENGTH } from '../../../shared/events/crm-events.js';
import { identityToken } from '../../../shared/events/identity-token.js';
import { handleIngestRequest } from '../../../shared/events/ingest.js';
import { settingsSchema } from '../../../shared/config/settings.js';
import { basicAuth, BROWSER_KEY, fakeDeps, IDENTITY_SECRET, post, track } from '../ingest/in-memory-ports.js';

const asBrowser = { headers: { 'content-type': 'application/json', authorization: basicAuth(BROWSER_KEY) } };
const verified = { context: { identityToken: identityToken(IDENTITY_SECRET, 'u1') } };
const survey = (properties: Record<string, unknown>, fields: Record<string, unknown> = {}) =>
  track({ event: 'Survey Answered', properties, ...fields });
const complaint = (event: string, fields: Record<string, unknown> = {}) =>
  track({ event, properties: { complaint_id: 'c-1', category: 'delivery', channel: 'call_center' }, ...fields });

describe('Survey Answered at ingest', () => {
  it('is accepted from a browser call carrying the identity token of its userId', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    const response = await handleIngestRequest(
      deps,
      post('/v1/track', survey({ survey_id: 'nps', score: 3 }, verified), asBrowser),
    );

    // Assess
    expect(response.body).toEqual({ accepted: 1, rejected: [] });
    expect(queue.messages[0]).toMatchObject({ source: { scope: 'browser', verified: true } });
  });

  it('is refused from a browser call without the token: a stranger cannot make a customer a detractor', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    const response = await handleIngestRequest(
      deps,
      post('/v1/track', survey({ survey_id: 'nps', score: 0 }), asBrowser),
    );

    // Assess
    expect(response.body).toMatchObject({ accepted: 0, rejected: [{ field: 'event' }] });
    expect(queue.messages).toEqual([]);
  });

  it.each([
    [{ score: 7 }, 'properties.survey_id'],
    [{ survey_id: 'nps' }, 'properties.score'],
    [{ survey_id: 'nps', score: 11 }, 'properties.score'],
    [{ survey_id: 'nps', score: 6.5 }, 'properties.score'],
    [{ survey_id: 'nps', score: '9' }, 'properties.score'],
    [{ survey_id: 'nps', score: 9, comment: 42 }, 'properties.comment'],
  ])('names the field of a bad answer %j: %s', async (properties, field) => {
    // Prepare
    const { deps } = fakeDeps();

    // Act
    const response = await handleIngestRequest(deps, post('/v1/track', survey(properties)));

    // Assess
    expect(response.body).toMatchObject({ accepted: 0, rejected: [{ field }] });
    expect(JSON.stringify(response.body)).not.toContain('6.5');
  });

  it('cuts a long comment to the cap and keeps the score', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();
    const comment = `${'ğ'.repeat(MAX_COMMENT_LENGTH)}tail`;

    // Act
    const response = await handleIngestRequest(
      deps,
      post('/v1/track', survey({ survey_id: 'nps', score: 2, comment })),
    );

    // Assess
    expect(response.body).toEqual({ accepted: 1, rejected: [] });
    const [message] = queue.messages;
    const properties = message?.kind === 'event' ? message.event.properties : {};
    expect(properties).toMatchObject({ survey_id: 'nps', score: 2, comment: 'ğ'.repeat(MAX_COMMENT_LENGTH) });
  });
});

describe('complaint events at ingest', () => {
  it.each(['Complaint Opened', 'Complaint Resolved'])('%s is accepted from a server key', async (event) => {
    // Prepare
    const { deps } = fakeDeps();

    // Act
    const response = await handleIngestRequest(deps, post('/v1/track', complaint(event)));

    // Assess
    expect(response.body).toEqual({ accepted: 1, rejected: [] });
  });

  it.each(['Complaint Opened', 'Complaint Resolved'])(
    '%s is refused from a browser even with a valid identity token',
    async (event) => {
      // Prepare
      const { deps, queue } = fakeDeps();

      // Act
      const response = await handleIngestRequest(deps, post('/v1/track', complaint(event, verified), asBrowser));

      // Assess
      expect(response.body).toMatchObject({ accepted: 0, rejected: [{ field: 'event' }] });
      expect(queue.messages).toEqual([]);
    },
  );

  it('names a channel outside call_center | email | store | web', async () => {
    // Prepare
    const { deps } = fakeDeps();

    // Act
    const response = await handleIngestRequest(
      deps,
      post('/v1/track', track({ event: 'Complaint Opened', properties: { complaint_id: 'c', channel: 'fax' } })),
    );

    // Assess
    expect(response.body).toMatchObject({
      rejected: [{ field: 'properties.channel', reason: 'must be one of call_center, email, store, web' }],
    });
  });

  it('settings.yaml cannot accept complaint events from browsers', () => {
    // Act
    const parsed = settingsSchema.safeParse({ trust: { browserEvents: ['Survey Answered', 'Complaint Opened'] } });

    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['trust', 'browserEvents', 1]);
  });

  it('settings default to pausing promotions while a complaint is open', () => {
    expect(settingsSchema.parse({}).complaints).toEqual({ pausePromotions: true });
  });
});
