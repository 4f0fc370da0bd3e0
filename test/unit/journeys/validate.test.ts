import { describe, expect, it } from 'vitest';
import { formatLocatedError } from '../../../shared/config/yaml-source.js';
import { checkJourneySources } from '../../../shared/journeys/load.js';
import { validateCampaign } from '../../../shared/config/validate-campaign.js';

const EMAIL = new Set(['subject.liquid', 'html.liquid', 'text.liquid']);
const context = {
  segmentIds: new Set(['viewed_not_bought', 'vip']),
  trackedProperties: { 'Product Viewed': ['category'] },
  templateFiles: (id: string) => (id === 'mail' ? EMAIL : id === 'text' ? new Set(['sms.liquid']) : undefined),
};

/** Validates one journey file `j.yaml` and returns its errors as `file:line:col: reason`. */
function errorsOf(yaml: string, extra: { file: string; text: string }[] = []): string[] {
  const result = checkJourneySources([{ file: 'j.yaml', text: yaml }, ...extra], context);
  return result.ok ? [] : result.errors.map(formatLocatedError);
}

const HEAD = 'id: j\ntrigger: { event: Product Viewed }\n';

describe('journey validation', () => {
  it('accepts a valid journey', () => {
    expect(errorsOf(`${HEAD}steps:\n  - wait: 2h\n  - send: { channel: email, template: mail }\n`)).toEqual([]);
  });

  it('names an unknown segment at its line', () => {
    expect(errorsOf(`${HEAD}entry: { segment: nobody }\nsteps:\n  - end: true\n`)).toEqual([
      'j.yaml:3:10: unknown segment "nobody" (not in segments.yaml)',
    ]);
  });

  it('refuses a template folder that lacks the files of the channel', () => {
    const errors = errorsOf(`${HEAD}steps:\n  - send: { channel: sms, template: mail }\n`);
    expect(errors).toEqual([
      expect.stringMatching(/^j\.yaml:4:\d+: template mail cannot send sms: missing sms\.liquid$/),
    ]);
  });

  it('refuses a template that does not exist', () => {
    expect(errorsOf(`${HEAD}steps:\n  - send: { channel: email, template: nope }\n`)).toEqual([
      expect.stringMatching(/no template folder templates\/nope\//),
    ]);
  });

  it('checks fallback channels against the template too', () => {
    expect(errorsOf(`${HEAD}steps:\n  - send: { channel: email, template: mail, fallback: [push] }\n`)).toEqual([
      expect.stringMatching(/cannot send push: missing push\.title\.liquid, push\.body\.liquid/),
    ]);
  });

  it('reports steps no path reaches', () => {
    const errors = errorsOf(`${HEAD}steps:\n  - end: true\n  - id: orphan\n    wait: 1d\n`);
    expect(errors).toEqual(['j.yaml:5:5: step "orphan" can never be reached (no step leads to it)']);
  });

  it('reports a loop without a wait', () => {
    const errors = errorsOf(
      `${HEAD}steps:\n  - id: a\n    send: { channel: email, template: mail }\n  - update: { tag: x }\n    next: a\n`,
    );
    expect(errors).toEqual([expect.stringMatching(/j\.yaml:4:\d+: the loop through step "a" has no wait/)]);
  });

  it('accepts a loop that waits', () => {
    expect(
      errorsOf(`${HEAD}steps:\n  - id: a\n    send: { channel: email, template: mail }\n  - wait: 7d\n    next: a\n`),
    ).toEqual([]);
  });

  it('refuses a malformed duration with the hint', () => {
    expect(errorsOf(`${HEAD}steps:\n  - wait: 2 hours\n`)).toEqual([
      expect.stringMatching(/^j\.yaml:4:\d+: .*expected a duration such as "30m"/),
    ]);
  });

  it('refuses jumps to steps that do not exist', () => {
    expect(errorsOf(`${HEAD}steps:\n  - wait: 1h\n    next: later\n  - end: true\n`)).toContainEqual(
      expect.stringMatching(/no step with id "later"/),
    );
  });

  it('refuses a split whose weights are all zero', () => {
    const yaml = `${HEAD}steps:\n  - split: { experiment: e, variants: [{ id: a, weight: 0 }, { id: b, weight: 0 }] }\n  - end: true\n`;
    expect(errorsOf(yaml)).toEqual([expect.stringMatching(/at least one variant needs a weight above 0/)]);
  });

  it('refuses an experiment key used by two journeys', () => {
    const split =
      'steps:\n  - split: { experiment: shared, variants: [{ id: a, weight: 1 }, { id: b, weight: 1 }] }\n  - end: true\n';
    const errors = errorsOf(`${HEAD}${split}`, [
      { file: 'k.yaml', text: `id: k\ntrigger: { event: Product Viewed }\n${split}` },
    ]);
    expect(errors).toEqual([expect.stringMatching(/^k\.yaml:4:\d+: experiment "shared" is already used in j/)]);
  });

  it('refuses filters on event properties not declared as tracked', () => {
    expect(errorsOf('id: j\ntrigger: { event: Product Viewed, where: { brand: x } }\nsteps:\n  - end: true\n')).toEqual(
      [expect.stringMatching(/"brand" of Product Viewed is not a tracked property/)],
    );
  });

  it('refuses an engagement branch on a step that is not a send', () => {
    const yaml = `${HEAD}steps:\n  - id: w\n    wait: 1h\n  - branch: { opened: w, within: 1d }\n  - end: true\n`;
    expect(errorsOf(yaml)).toEqual([expect.stringMatching(/"w" is not a send step/)]);
  });

  it('refuses a step with two kinds, pointing at the second', () => {
    expect(errorsOf(`${HEAD}steps:\n  - wait: 1h\n    end: true\n`)).toEqual([
      'j.yaml:5:5: one kind per step, found wait and end; make them separate steps',
    ]);
  });

  it('refuses an invalid schedule', () => {
    expect(errorsOf('id: j\ntrigger: { schedule: "99 9 * * MON", audience: vip }\nsteps:\n  - end: true\n')).toEqual([
      expect.stringMatching(/not a cron schedule/),
    ]);
  });

  it('refuses a schedule that never runs or that the schedule pass cannot evaluate, naming the reason', () => {
    // Prepare
    const schedule = (cron: string) =>
      `id: j\ntrigger: { schedule: "${cron}", audience: vip }\nsteps:\n  - end: true\n`;
    // Act
    const errors = ['0 10 31 2 *', 'H 10 * * *', '0 0 10 * * *', '0 10 * * MON', '5/15 * * * *'].map((cron) =>
      errorsOf(schedule(cron)),
    );
    // Assess
    expect(errors).toEqual([
      [expect.stringMatching(/not a cron schedule: it never runs$/)],
      [expect.stringMatching(/not a cron schedule: .*illegal char/)],
      [expect.stringMatching(/not a cron schedule: expected 5 fields: minute hour day-of-month month day-of-week$/)],
      [],
      [],
    ]);
  });

  it('refuses a journey whose id differs from its file name', () => {
    const result = checkJourneySources([{ file: 'other.yaml', text: `${HEAD}steps:\n  - end: true\n` }], context);
    expect(result.ok ? [] : result.errors.map((e) => e.reason)).toEqual([
      'journey id "j" differs from its file name; name the file j.yaml',
    ]);
  });

  it("refuses a journey id sadakat keeps for its own sends (the double opt-in's sadakat-confirm)", () => {
    const yaml = `${HEAD.replace('id: j', 'id: sadakat-confirm')}steps:\n  - end: true\n`;
    const result = checkJourneySources([{ file: 'sadakat-confirm.yaml', text: yaml }], context);
    expect(result.ok ? [] : result.errors.map((e) => e.reason)).toEqual([
      'journey ids starting with "sadakat-" are reserved for sadakat\'s own sends',
    ]);
  });

  it('finds the example campaign valid, journeys included', async () => {
    const { summaries, errors } = await validateCampaign('campaign');
    expect(errors.map(formatLocatedError)).toEqual([]);
    expect(summaries).toContain('journeys/: 7 journeys');
  });
});

describe('journey JSON Schema', () => {
  it('describes every step kind and the trigger forms for editors', async () => {
    const { journeysJsonSchema } = await import('../../../shared/journeys/json-schema.js');
    const text = JSON.stringify(journeysJsonSchema());
    for (const key of ['"wait"', '"split"', '"branch"', '"send"', '"update"', '"end"', '"schedule"', '"reentry"'])
      expect(text).toContain(key);
  });
});
