/**
 * A message as the customer saw it — re-rendered from today's profile with the template and vars of
 * the journey step that sent it (the ledger keeps which step, not the body; the page says so).
 */
import type { ConsoleMessage } from '../shared/aws/dynamo-console-source.js';
import { renderContext, type RenderResult } from '../shared/channels/render.js';
import { smsSegments, type SmsSegments } from '../shared/channels/sms-segments.js';
import type { Profile } from '../shared/profiles/schema.js';
import type { LoadedCampaign } from './campaign-state.js';

/** Stands in for the customer's own signed link, which the console does not mint. */
export const PREVIEW_UNSUBSCRIBE_URL = 'https://unsubscribe.example/u/PREVIEW';

export type MessagePreview =
  | { ok: true; template: string; result: Extract<RenderResult, { ok: true }>; sms?: SmsSegments }
  | { ok: false; why: string };

export async function renderMessage(
  campaign: LoadedCampaign | undefined,
  message: ConsoleMessage,
  profile: Profile | undefined,
): Promise<MessagePreview> {
  if (!campaign) return { ok: false, why: 'the campaign has problems and never loaded' };
  if (!profile) return { ok: false, why: 'the customer has no profile any more' };
  const journey = campaign.journeys.find((candidate) => candidate.id === message.journeyId);
  const step = journey?.byId.get(message.stepId);
  if (!journey || !step || step.kind !== 'send')
    return {
      ok: false,
      why: `step ${message.stepId} of journey ${message.journeyId} is no send step in today's campaign`,
    };
  const channel = message.channel as 'email' | 'sms' | 'push';
  const result = await campaign.templates.render(
    step.template,
    channel,
    renderContext(profile, { vars: step.vars }, channel === 'email' ? PREVIEW_UNSUBSCRIBE_URL : undefined),
  );
  if (!result.ok)
    return {
      ok: false,
      why:
        result.reason === 'missing_variable'
          ? `template ${step.template}: today's profile has no ${result.variable}`
          : result.detail,
    };
  return {
    ok: true,
    template: step.template,
    result,
    ...(result.content.channel === 'sms' ? { sms: smsSegments(result.content.body) } : {}),
  };
}
