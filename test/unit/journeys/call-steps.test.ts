/** Journey `call` steps and branches on the agent's outcome (issue 22). */
import { describe, expect, it } from 'vitest';
import { formatLocatedError } from '../../../shared/config/yaml-source.js';
import { advance, type AdvanceContext, type RunEffect } from '../../../shared/journeys/advance.js';
import type { Journey } from '../../../shared/journeys/ast.js';
import { applySignal } from '../../../shared/journeys/engine.js';
import { checkJourneySources } from '../../../shared/journeys/load.js';
import { at, DAY, HOUR, journeyFrom, profile, run, T0 } from './journey-builders.js';

const HEAD = 'id: j\ntrigger: { event: Product Viewed }\n';
const CALL_JOURNEY = `${HEAD}steps:
  - id: ring
    call: { queue: win-back, script: win-back-call, priority: high, vars: { code: X1 } }
  - id: after-call
    branch: { called: ring, outcome: [reached, converted], within: 2d, then: thanks, else: sorry, timeout: nobody }
  - { id: thanks, update: { tag: called_ok }, next: done }
  - { id: sorry, update: { tag: called_no }, next: done }
  - { id: nobody, update: { tag: not_called } }
  - { id: done, end: true }
`;

function context(journey: Journey, now: Date = T0): AdvanceContext {
  return { journey, profile: profile(), now, defaultTimezone: 'UTC' };
}
const tags = (effects: RunEffect[]) =>
  effects.flatMap((effect) => (effect.kind === 'update' ? Object.keys(effect.traits) : []));

describe('a call step', () => {
  const journey = journeyFrom(CALL_JOURNEY);

  it('is a send on the call channel carrying its queue and priority', () => {
    const { effects, run: waiting } = advance(run(journey), { kind: 'enter' }, context(journey));
    const request = effects.flatMap((effect) => (effect.kind === 'send' ? [effect.request] : []))[0];
    expect(request).toMatchObject({
      channel: 'call',
      template: 'win-back-call',
      call: { queue: 'win-back', priority: 'high' },
      vars: { code: 'X1' },
      fallback: [],
    });
    expect(waiting).toMatchObject({ status: 'waiting', stepId: 'after-call', wakeAt: at(2 * DAY).toISOString() });
  });

  it.each([
    ['reached', 'called_ok'],
    ['converted', 'called_ok'],
    ['declined', 'called_no'],
    ['wrong_number', 'called_no'],
  ] as const)('takes the outcome %s to its branch', (outcome, tag) => {
    const waiting = advance(run(journey), { kind: 'enter' }, context(journey)).run;
    const { run: after, effects } = advance(
      waiting,
      { kind: 'engagement', type: 'called', stepId: 'ring', outcome, at: at(HOUR).toISOString() },
      context(journey, at(HOUR)),
    );
    expect(tags(effects)).toEqual([tag]);
    expect(after.status).toBe('completed');
    expect(after.engaged.ring).toEqual({ called: at(HOUR).toISOString(), outcome });
  });

  it('takes the timeout branch when nobody completed the task in time, and ignores an outcome after it', () => {
    const waiting = advance(run(journey), { kind: 'enter' }, context(journey)).run;
    const timedOut = advance(
      waiting,
      { kind: 'wake', dueAt: at(2 * DAY).toISOString() },
      context(journey, at(2 * DAY)),
    );
    expect(tags(timedOut.effects)).toEqual(['not_called']);
    const late = advance(
      timedOut.run,
      { kind: 'engagement', type: 'called', stepId: 'ring', outcome: 'reached', at: at(3 * DAY).toISOString() },
      context(journey, at(3 * DAY)),
    );
    expect(late.effects).toEqual([]);
  });

  it('keeps the first outcome reported for a task', () => {
    const waiting = advance(run(journey), { kind: 'enter' }, context(journey)).run;
    const first = advance(
      waiting,
      { kind: 'engagement', type: 'called', stepId: 'ring', outcome: 'no_answer', at: at(HOUR).toISOString() },
      context(journey, at(HOUR)),
    );
    const second = advance(
      first.run,
      { kind: 'engagement', type: 'called', stepId: 'ring', outcome: 'converted', at: at(2 * HOUR).toISOString() },
      context(journey, at(2 * HOUR)),
    );
    expect(second).toEqual({ run: first.run, effects: [] });
  });

  it('finds the run a Call Completed event reports by its call_id (the task id)', () => {
    // Prepare: the run waits at the branch after creating the task
    const entered = advance(run(journey), { kind: 'enter' }, context(journey));
    const callId = entered.run.sent.ring?.messageId ?? '';
    const event = {
      type: 'track' as const,
      messageId: 'call-1',
      userId: 'c1',
      event: 'Call Completed',
      properties: { call_id: callId, outcome: 'converted' },
      traits: {},
      context: {},
      timestamp: at(HOUR).toISOString(),
      receivedAt: at(HOUR).toISOString(),
    };
    // Act
    const changes = applySignal(
      {
        journeys: [journey],
        profile: profile(),
        runs: [entered.run],
        now: at(HOUR),
        defaultTimezone: 'UTC',
        holdoutPercent: 0,
      },
      { kind: 'event', event },
    );
    // Assess
    expect(changes).toHaveLength(1);
    expect(tags(changes[0]?.effects ?? [])).toEqual(['called_ok']);
  });
});

describe('call step validation', () => {
  const context = {
    segmentIds: new Set<string>(),
    trackedProperties: {},
    templateFiles: (id: string) =>
      id === 'win-back-call'
        ? new Set(['call.script.liquid'])
        : id === 'mail'
          ? new Set(['subject.liquid', 'html.liquid', 'text.liquid'])
          : undefined,
  };
  const errorsOf = (yaml: string) => {
    const result = checkJourneySources([{ file: 'j.yaml', text: yaml }], context);
    return result.ok ? [] : result.errors.map(formatLocatedError);
  };

  it('accepts the call journey', () => {
    expect(errorsOf(CALL_JOURNEY)).toEqual([]);
  });

  it('names a script folder without call.script.liquid at the script field', () => {
    expect(errorsOf(`${HEAD}steps:\n  - call: { queue: q, script: mail }\n`)).toEqual([
      expect.stringMatching(/^j\.yaml:4:\d+: template mail cannot send call: missing call\.script\.liquid$/),
    ]);
  });

  it('refuses a priority or an outcome it does not know, and a branch on a step that is not a call', () => {
    const errors = errorsOf(
      `${HEAD}steps:\n  - { id: m, send: { channel: email, template: mail } }\n  - call: { queue: q, script: win-back-call, priority: urgent }\n  - branch: { called: m, outcome: picked_up, within: 1d }\n`,
    );
    expect(errors).toEqual([
      expect.stringMatching(/^j\.yaml:5:\d+: steps\.1\.call\.priority: .*"high"\|"normal"\|"low"/),
      expect.stringMatching(/^j\.yaml:6:\d+: steps\.2\.branch\.outcome: /),
    ]);
  });

  it('refuses a branch on a send step that is not a call', () => {
    const errors = errorsOf(
      `${HEAD}steps:\n  - { id: m, send: { channel: email, template: mail } }\n  - branch: { called: m, outcome: reached, within: 1d }\n`,
    );
    expect(errors).toEqual([expect.stringMatching(/"m" is not a call step of this journey$/)]);
  });
});
