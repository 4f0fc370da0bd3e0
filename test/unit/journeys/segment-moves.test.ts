/**
 * Which segment moves concern a journey (decision 237): only the direction the engine acts on. A
 * move `mayConcern` calls irrelevant is neither recorded as pending nor cleared, so it must be one
 * `applySignal` ignores — checked here on every combination of moves, with and without runs.
 */
import { describe, expect, it } from 'vitest';
import { applySignal, type JourneySignal } from '../../../shared/journeys/engine.js';
import { mayConcern } from '../../../shared/journeys/journey-phase.js';
import { journeyFrom, profile, run, T0 } from './journey-builders.js';

const onEnter = journeyFrom(`id: welcome
trigger: { segment: a, on: enter }
entry: { reentry: always }
exit: [{ segment: x }]
steps:
  - wait: 1d
  - send: { channel: email, template: t }
`);
const onExit = journeyFrom(`id: goodbye
trigger: { segment: b, on: exit }
entry: { reentry: always }
steps:
  - wait: 1d
  - send: { channel: email, template: t }
`);
const journeys = [onEnter, onExit];
const SEGMENTS = ['a', 'b', 'x', 'c'];

function subsets(of: readonly string[]): string[][] {
  const all: string[][] = [[]];
  for (const item of of) for (const subset of [...all]) all.push([...subset, item]);
  return all;
}

describe('segment moves that concern a journey', () => {
  it('leaving the segment a journey starts on entering concerns no journey; entering it does', () => {
    const signal = (entered: string[], exited: string[]): JourneySignal => ({
      kind: 'segments',
      entered,
      exited,
      at: T0.toISOString(),
    });
    expect(mayConcern(signal([], ['a']), journeys)).toBe(false);
    expect(mayConcern(signal(['a'], []), journeys)).toBe(true);
    expect(mayConcern(signal(['b'], []), journeys)).toBe(false);
    expect(mayConcern(signal([], ['b']), journeys)).toBe(true);
    expect(mayConcern(signal(['x'], []), journeys)).toBe(false);
    expect(mayConcern(signal([], ['x']), journeys)).toBe(true);
    // The switch (the bench's baseline): any move of a trigger or exit segment, either way.
    expect(mayConcern(signal([], ['a']), journeys, 'any')).toBe(true);
    expect(mayConcern(signal(['x'], []), journeys, 'any')).toBe(true);
  });

  it('a move called irrelevant changes no run, whatever the moves and the runs', () => {
    const runsets = [[], [run(onEnter, { status: 'waiting' })], [run(onExit, { status: 'waiting' })]];
    let checked = 0;
    for (const entered of subsets(SEGMENTS))
      for (const exited of subsets(SEGMENTS.filter((segment) => !entered.includes(segment))))
        for (const runs of runsets) {
          const signal: JourneySignal = { kind: 'segments', entered, exited, at: T0.toISOString() };
          if (mayConcern(signal, journeys)) continue;
          const member = profile({
            segments: Object.fromEntries(entered.map((segment) => [segment, { enteredAt: T0.toISOString() }])),
          });
          const context = { journeys, profile: member, runs, now: T0, defaultTimezone: 'UTC', holdoutPercent: 0 };
          expect(applySignal(context, signal)).toEqual([]);
          checked++;
        }
    expect(checked).toBeGreaterThan(20);
  });
});
