/** Issue 22 on the profile: the last answer per survey, the nps summary, open complaints and their history. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../../../shared/config/settings.js';
import { compileSegmentsSource } from '../../../shared/segments/load-segments.js';
import { evaluateAll } from '../../../shared/segments/evaluate.js';
import { hasOpenComplaint } from '../../../shared/profiles/complaints.js';
import { PROFILE_LIMITS } from '../../../shared/profiles/limits.js';
import { npsCategory } from '../../../shared/profiles/survey-answers.js';
import { track } from '../profiles/event-builders.js';
import { fold, withoutArrivalOrder } from '../profiles/fold.js';

const answer = (surveyId: string, score: number, at: string, extra: Record<string, unknown> = {}) =>
  track('Survey Answered', { survey_id: surveyId, score, ...extra }, at);
const opened = (id: string, at: string, category = 'delivery') =>
  track('Complaint Opened', { complaint_id: id, category, channel: 'call_center' }, at);
const resolved = (id: string, at: string) => track('Complaint Resolved', { complaint_id: id }, at);

describe('survey answers', () => {
  it.each([
    [0, 'detractor'],
    [6, 'detractor'],
    [7, 'passive'],
    [8, 'passive'],
    [9, 'promoter'],
    [10, 'promoter'],
  ])('score %i is a %s', (score, category) => {
    expect(npsCategory(score)).toBe(category);
  });

  it('keeps the last answer per survey and nps from the latest answer of any survey', () => {
    // Act
    const profile = fold([
      answer('nps-order', 3, '2026-01-01T10:00:00.000Z', { order_id: 'o1' }),
      answer('nps-order', 9, '2026-01-05T10:00:00.000Z', { order_id: 'o2' }),
      answer('nps-support', 7, '2026-01-03T10:00:00.000Z'),
    ]);

    // Assess
    expect(profile.surveys).toEqual({
      'nps-order': { score: 9, at: '2026-01-05T10:00:00.000Z', orderId: 'o2' },
      'nps-support': { score: 7, at: '2026-01-03T10:00:00.000Z' },
    });
    expect(profile.nps).toEqual({
      last: 9,
      at: '2026-01-05T10:00:00.000Z',
      category: 'promoter',
      surveyId: 'nps-order',
    });
  });

  it('keeps only a short excerpt of the comment in the profile', () => {
    // Prepare
    const comment = 'Kargo üç gün gecikti ve kutu ezik geldi; müşteri hizmetleri telefonu açmadı. Bir daha asla.';

    // Act
    const profile = fold([answer('nps', 2, '2026-01-01T10:00:00.000Z', { comment })]);

    // Assess
    expect([...(profile.nps?.excerpt ?? '')].length).toBe(PROFILE_LIMITS.commentExcerpt);
    expect(comment.startsWith((profile.nps?.excerpt ?? '').slice(0, -1))).toBe(true);
    expect(JSON.stringify(profile)).not.toContain('Bir daha asla');
  });

  it('keeps the most recently answered surveys only', () => {
    // Act
    const profile = fold(
      Array.from({ length: PROFILE_LIMITS.surveys + 2 }, (_, day) =>
        answer(`s${day}`, 5, `2026-01-${String(day + 10)}T10:00:00.000Z`),
      ),
    );

    // Assess
    expect(Object.keys(profile.surveys ?? {}).sort()).toEqual(['s2', 's3', 's4', 's5', 's6']);
  });
});

describe('complaints', () => {
  it('counts open complaints with the oldest and their categories, and the history', () => {
    // Act
    const profile = fold([
      opened('c1', '2026-01-01T10:00:00.000Z', 'delivery'),
      opened('c2', '2026-01-02T10:00:00.000Z', 'billing'),
      opened('c3', '2026-01-03T10:00:00.000Z', 'delivery'),
      resolved('c1', '2026-01-04T10:00:00.000Z'),
    ]);

    // Assess
    expect(profile.complaints).toMatchObject({
      open: 2,
      oldestOpenAt: '2026-01-02T10:00:00.000Z',
      categories: ['billing', 'delivery'],
      opened: 3,
      resolved: 1,
      lastResolvedAt: '2026-01-04T10:00:00.000Z',
    });
    expect(hasOpenComplaint(profile)).toBe(true);
  });

  it('a resolution arriving before its opening still closes the complaint', () => {
    // Act
    const profile = fold([resolved('c1', '2026-01-04T10:00:00.000Z'), opened('c1', '2026-01-01T10:00:00.000Z')]);

    // Assess
    expect(profile.complaints).toMatchObject({ open: 0, opened: 1, resolved: 1, categories: [] });
    expect(profile.complaints?.oldestOpenAt).toBeUndefined();
    expect(hasOpenComplaint(profile)).toBe(false);
  });

  it('the same complaint opened twice (a new message id) counts once', () => {
    // Act
    const profile = fold([opened('c1', '2026-01-01T10:00:00.000Z'), opened('c1', '2026-01-01T11:00:00.000Z')]);

    // Assess
    expect(profile.complaints).toMatchObject({ open: 1, opened: 1 });
  });
});

describe('arrival order', () => {
  const events = [
    answer('nps', 3, '2026-01-01T10:00:00.000Z'),
    answer('nps', 9, '2026-01-02T10:00:00.000Z'),
    answer('nps', 6, '2026-01-02T10:00:00.000Z'),
    answer('csat', 8, '2026-01-01T12:00:00.000Z', { comment: 'iyi' }),
    opened('c1', '2026-01-01T10:00:00.000Z'),
    opened('c2', '2026-01-01T11:00:00.000Z', 'billing'),
    resolved('c1', '2026-01-03T10:00:00.000Z'),
  ];

  it('leaves the same surveys, nps and complaints whatever order the events arrive in', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), (shuffled) => {
        const a = withoutArrivalOrder(fold(events));
        const b = withoutArrivalOrder(fold(shuffled));
        expect({ surveys: b.surveys, nps: b.nps, complaints: b.complaints }).toEqual({
          surveys: a.surveys,
          nps: a.nps,
          complaints: { ...a.complaints, resolvedIds: b.complaints?.resolvedIds },
        });
      }),
      { numRuns: 30 },
    );
  });

  it('a same-instant tie keeps the lower score, so the outcome does not depend on arrival', () => {
    expect(fold(events).nps).toMatchObject({ last: 6, category: 'detractor' });
  });
});

describe('segment rules', () => {
  const source = [
    '- id: nps_detractors',
    '  attr: nps.category',
    '  eq: detractor',
    '- id: open_complaint',
    '  attr: complaints.open',
    '  gte: 1',
  ].join('\n');

  it('name nps.category and complaints.open', () => {
    // Prepare
    const result = compileSegmentsSource('segments.yaml', source, settingsSchema.parse({}));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const profile = fold([answer('nps', 4, '2026-01-01T10:00:00.000Z'), opened('c1', '2026-01-01T11:00:00.000Z')]);

    // Act
    const evaluation = evaluateAll(result.compiled, profile, Date.parse('2026-01-02T00:00:00.000Z'));

    // Assess
    expect(evaluation.entered.sort()).toEqual(['nps_detractors', 'open_complaint']);
  });

  it('refuse a category that is not one', () => {
    // Act
    const result = compileSegmentsSource(
      'segments.yaml',
      '- id: x\n  attr: nps.category\n  eq: unhappy\n',
      settingsSchema.parse({}),
    );

    // Assess
    expect(result.ok).toBe(false);
  });
});
