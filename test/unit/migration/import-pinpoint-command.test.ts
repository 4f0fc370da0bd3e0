import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerImport } from '../../../cli/commands/import.js';
import { UserError } from '../../../cli/errors.js';
import { abandonedCartJourney, cartEmailTemplate, cartSmsTemplate } from '../../fixtures/pinpoint/abandoned-cart.js';
import { runCli } from '../../cli-harness.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pinpoint-cli-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const sadakat = (...args: string[]) => runCli([registerImport], args);

describe('sadakat import pinpoint', () => {
  it('converts an export folder and names the report', async () => {
    await writeFile(join(dir, 'journey.json'), JSON.stringify({ JourneyResponse: abandonedCartJourney }));
    await writeFile(join(dir, 'email.json'), JSON.stringify({ EmailTemplateResponse: cartEmailTemplate }));
    await writeFile(join(dir, 'sms.json'), JSON.stringify({ SMSTemplateResponse: cartSmsTemplate }));
    const out = join(dir, 'campaign');
    const { stdout, error } = await sadakat('import', 'pinpoint', '--journeys', dir, '--templates', dir, '--out', out);
    expect(error).toBeUndefined();
    expect(stdout).toContain(`wrote 1 journeys, 0 campaigns (as journeys), 0 segments, 2 templates to ${out}`);
    // The journey's audience segment was not exported: the report says so.
    expect(await readFile(join(out, 'migration-report.md'), 'utf8')).toContain(
      '5c1a8e0f is referenced but was not among --segments',
    );
  });

  it('counts endpoints on a dry run without touching a data folder', async () => {
    const file = join(dir, 'endpoints.ndjson');
    await writeFile(
      file,
      '{"Id":"e1","ChannelType":"EMAIL","Address":"a@example.com","OptOut":"ALL","User":{"UserId":"u1"}}\n{"Id":"e2","ChannelType":"SMS","Address":"+905551112233","User":{"UserId":"u1"}}\n',
    );
    const { stdout, error } = await sadakat('import', 'pinpoint', '--endpoints', file, '--data-dir', join(dir, 'data'));
    expect(error).toBeUndefined();
    expect(stdout).toContain('2 endpoints (EMAIL 1, SMS 1) → 1 profiles; 1 opted out, 0 inactive, 0 lines skipped');
    expect(stdout).toContain('dry run');
  });

  it('names the AWS table on a dry run with --table, without calling AWS', async () => {
    const file = join(dir, 'endpoints.ndjson');
    await writeFile(file, '{"Id":"e1","ChannelType":"EMAIL","Address":"a@example.com","User":{"UserId":"u1"}}\n');
    const { stdout, error } = await sadakat(
      'import',
      'pinpoint',
      '--endpoints',
      file,
      '--table',
      'sadakat-prod',
      '--region',
      'eu-west-1',
    );
    expect(error).toBeUndefined();
    expect(stdout).toContain('dry run: add --load to write 1 profiles to table sadakat-prod (eu-west-1)');
  });

  it('refuses --load without --endpoints', async () => {
    const { error } = await sadakat('import', 'pinpoint', '--journeys', dir, '--load');
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe('--load and --table write endpoints as profiles: give --endpoints too');
  });

  it('names the file when a template document is not a template', async () => {
    const file = join(dir, 'odd.json');
    await writeFile(file, JSON.stringify({ TemplateName: 'x', TemplateType: 'FAX' }));
    const { error } = await sadakat('import', 'pinpoint', '--templates', file, '--out', join(dir, 'campaign'));
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      `${file}: TemplateType: expected EMAIL, SMS, PUSH, VOICE or INAPP, found "FAX"`,
    );
  });

  it('reports a VOICE template and converts the other templates', async () => {
    await writeFile(
      join(dir, 'voice.json'),
      JSON.stringify({
        VoiceTemplateResponse: {
          TemplateName: 'CallReminder',
          TemplateType: 'VOICE',
          Body: 'Hello',
          CreationDate: '2025-01-01T00:00:00Z',
          LastModifiedDate: '2025-01-01T00:00:00Z',
        },
      }),
    );
    await writeFile(join(dir, 'sms.json'), JSON.stringify({ SMSTemplateResponse: cartSmsTemplate }));
    const out = join(dir, 'campaign');
    const { stdout, error } = await sadakat('import', 'pinpoint', '--templates', dir, '--out', out);
    expect(error).toBeUndefined();
    expect(stdout).toContain('1 templates');
    expect(await readFile(join(out, 'migration-report.md'), 'utf8')).toContain(
      '| CallReminder | VOICE template has no sadakat channel: not imported |',
    );
  });

  it('asks for an input when none is given', async () => {
    const { error } = await sadakat('import', 'pinpoint');
    expect((error as Error).message).toContain(
      'give at least one of --journeys, --campaigns, --segments, --templates, --endpoints',
    );
  });
});
