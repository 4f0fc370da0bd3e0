import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateCampaign } from '../../../shared/config/validate-campaign.js';
import { convertCampaign } from '../../../shared/migration/pinpoint/campaign-to-journey.js';
import { convertExport, type ExportSummary } from '../../../shared/migration/pinpoint/convert-export.js';
import { MigrationReport } from '../../../shared/migration/pinpoint/migration-report.js';
import { cartEmailTemplate, cartSegment, cartSmsTemplate } from '../../fixtures/pinpoint/abandoned-cart.js';
import {
  completedCampaign,
  eventSmsCampaign,
  inAppCampaign,
  oneTimeInlineCampaign,
  voiceCampaign,
  weeklyAbCampaign,
} from '../../fixtures/pinpoint/campaigns.js';

const context = (report: MigrationReport) => ({
  segmentId: (id: string) => `seg_${id}`,
  templateId: (name: string) => name.toLowerCase(),
  report,
});

describe('Pinpoint campaign → journey', () => {
  it("turns treatments and HoldoutPercent into one experiment, the campaign's own treatment taking the remainder", () => {
    // Act
    const { journey } = convertCampaign(weeklyAbCampaign, context(new MigrationReport()));

    // Assess
    expect(journey?.steps[0]).toEqual({
      id: 'treatments',
      split: {
        experiment: 'campaign-weekly-picks',
        variants: [
          { id: 'control-copy', weight: 50, next: 'send-control-copy' },
          { id: 'discount-copy', weight: 30, next: 'send-discount-copy' },
          { id: 'voice-call', weight: 10, next: 'end' },
          { id: 'holdout', weight: 10, holdout: true, next: 'send-control-copy' },
        ],
      },
    });
    expect(journey?.steps.slice(1)).toEqual([
      { id: 'send-control-copy', send: { channel: 'email', template: 'cartreminder' }, next: 'end' },
      { id: 'send-discount-copy', send: { channel: 'sms', template: 'cartremindersms' }, next: 'end' },
      { id: 'end', end: true },
    ]);
  });

  it('schedules a weekly campaign on its weekday and time for the segment, every week, with its quiet time and limits', () => {
    // Act
    const { journey } = convertCampaign(weeklyAbCampaign, context(new MigrationReport()));

    // Assess
    expect(journey).toMatchObject({
      trigger: { schedule: '30 10 * * MON', audience: 'seg_5c1a8e0f' },
      entry: { reentry: 'always' },
      quietHours: { start: '22:00', end: '08:00' },
      limits: { perDay: 1, messagesPerSecond: 100 },
    });
  });

  it('reports the VOICE treatment and the total cap with the campaign and treatment named', () => {
    // Prepare
    const report = new MigrationReport();

    // Act
    convertCampaign(weeklyAbCampaign, context(report));

    // Assess
    expect(report.findings.map((finding) => [finding.source, finding.problem])).toEqual([
      [
        'campaign-weekly-picks/treatment Voice call',
        'VOICE message has no sadakat channel: this variant sends nothing',
      ],
      ['campaign-weekly-picks/Limits', 'Total 10 messages per endpoint'],
    ]);
  });

  it('runs a one-time campaign once per customer at its clock time, and turns inline content into a template', () => {
    // Prepare
    const report = new MigrationReport();

    // Act
    const { journey, inlineTemplates } = convertCampaign(oneTimeInlineCampaign, context(report));

    // Assess
    expect(journey).toMatchObject({
      trigger: { schedule: '0 9 27 11 *', audience: 'seg_5c1a8e0f' },
      entry: { reentry: 'never' },
    });
    expect(journey?.steps).toEqual([
      { id: 'send-default', send: { channel: 'email', template: 'campaign-black-friday-default' }, next: 'end' },
      { id: 'end', end: true },
    ]);
    expect(inlineTemplates.map((inline) => [inline.folder, inline.template.kind])).toEqual([
      ['campaign-black-friday-default', 'email'],
    ]);
    expect(report.findings.map((finding) => finding.problem.split(':')[0])).toEqual([
      'one-time campaign at 2026-11-27T09',
      'Pinpoint sent at this time in UTC+03',
      'EndTime 2026-11-28T00',
    ]);
  });

  it('starts an event campaign on its event for members of its segment, every time', () => {
    // Prepare
    const report = new MigrationReport();

    // Act
    const { journey, trackedProperties } = convertCampaign(eventSmsCampaign, context(report));

    // Assess
    expect(journey).toMatchObject({
      trigger: { event: 'Order Completed', where: { channel: 'web' } },
      entry: { segment: 'seg_5c1a8e0f', reentry: 'always' },
    });
    expect(journey?.steps[0]).toEqual({
      id: 'send-default',
      send: { channel: 'sms', template: 'campaign-order-thanks-default', transactional: true },
      next: 'end',
    });
    expect(trackedProperties).toEqual({ 'Order Completed': ['channel'] });
  });

  it.each([
    ['a VOICE campaign', voiceCampaign, 'no treatment of the campaign sends on email, SMS or push: not converted'],
    [
      'an IN_APP campaign',
      inAppCampaign,
      'IN_APP_EVENT campaign (in-app messages) has no sadakat channel: not converted',
    ],
    [
      'a completed one-time campaign',
      completedCampaign,
      'one-time campaign already COMPLETED in Pinpoint: not converted (it would send again)',
    ],
  ])('reports %s and writes no journey', (_name, campaign, problem) => {
    // Prepare
    const report = new MigrationReport();

    // Act
    const { journey } = convertCampaign(campaign, context(report));

    // Assess
    expect(journey).toBeUndefined();
    expect(report.findings.map((finding) => finding.problem)).toContain(problem);
  });
});

describe('import pinpoint --campaigns', () => {
  let dir: string;
  let summary: ExportSummary;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pinpoint-campaigns-'));
    await mkdir(join(dir, 'export'));
    const documents = {
      weeklyAbCampaign,
      oneTimeInlineCampaign,
      eventSmsCampaign,
      voiceCampaign,
      inAppCampaign,
      completedCampaign,
    };
    for (const [name, campaign] of Object.entries(documents))
      await writeFile(join(dir, 'export', `${name}.json`), JSON.stringify({ CampaignResponse: campaign }));
    await writeFile(join(dir, 'export/segment.json'), JSON.stringify({ SegmentResponse: cartSegment }));
    await writeFile(join(dir, 'export/email.json'), JSON.stringify({ EmailTemplateResponse: cartEmailTemplate }));
    await writeFile(join(dir, 'export/sms.json'), JSON.stringify({ SMSTemplateResponse: cartSmsTemplate }));
    const exported = join(dir, 'export');
    summary = await convertExport({
      campaigns: exported,
      segments: exported,
      templates: exported,
      out: join(dir, 'campaign'),
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a journey per convertible campaign from a folder holding every kind of export', () => {
    expect(summary.campaigns.sort()).toEqual([
      'campaign-black-friday',
      'campaign-order-thanks',
      'campaign-weekly-picks',
    ]);
    expect(summary.journeys).toEqual([]);
  });

  it('produces a campaign folder that sadakat validate accepts', async () => {
    const { errors } = await validateCampaign(join(dir, 'campaign'));
    expect(errors).toEqual([]);
  });

  it('writes inline message content as a Liquid template folder', async () => {
    const subject = await readFile(
      join(dir, 'campaign/templates/campaign-black-friday-default/subject.liquid'),
      'utf8',
    );
    expect(subject).toBe('{{ profile.name.first }}, Black Friday is here');
  });

  it("declares the event campaign's filtered property as tracked", async () => {
    const settings = parse(await readFile(join(dir, 'campaign/settings.yaml'), 'utf8')) as {
      trackedProperties: Record<string, string[]>;
    };
    expect(settings.trackedProperties['Order Completed']).toEqual(['channel']);
  });
});
