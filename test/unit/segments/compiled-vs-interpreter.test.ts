import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSegments } from '../../../shared/segments/evaluate.js';
import { interpretRule } from '../../../shared/segments/interpret.js';
import { definitionsArb, nowArb, profileArb } from './arbitraries.js';
import { SETTINGS } from './rule-harness.js';

describe('compiled rules against the reference interpreter', () => {
  it('agree on random rules, profiles and times', () => {
    fc.assert(
      fc.property(
        definitionsArb,
        fc.array(profileArb, { minLength: 1, maxLength: 4 }),
        nowArb,
        (definitions, profiles, now) => {
          // Prepare
          const compiled = compileSegments(definitions, SETTINGS);
          const lookup = new Map(definitions.map((d) => [d.id, d]));
          for (const profile of profiles) {
            for (const definition of definitions) {
              // Act
              const fast = compiled.byId.get(definition.id)?.test(profile, now);
              const reference = interpretRule(definition.rule, profile, now, lookup);
              // Assess
              expect(fast).toBe(reference);
            }
          }
        },
      ),
      { numRuns: 600 },
    );
  });

  it('agree when the same profile object changes between evaluations (no answer is remembered across texts)', () => {
    fc.assert(
      fc.property(definitionsArb, profileArb, profileArb, nowArb, (definitions, profile, other, now) => {
        // Prepare
        const compiled = compileSegments(definitions, SETTINGS);
        const lookup = new Map(definitions.map((d) => [d.id, d]));
        for (const definition of definitions) compiled.byId.get(definition.id)?.test(profile, now);
        // Act: the timestamps and histories of another profile, written into the same object
        profile.orders = other.orders;
        profile.events = other.events;
        for (const definition of definitions) {
          const fast = compiled.byId.get(definition.id)?.test(profile, now);
          const reference = interpretRule(definition.rule, profile, now, lookup);
          // Assess
          expect(fast).toBe(reference);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never change their answer before the time they report as the next change', () => {
    fc.assert(
      fc.property(
        definitionsArb,
        profileArb,
        nowArb,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }),
        (definitions, profile, now, fractions) => {
          // Prepare
          const compiled = compileSegments(definitions, SETTINGS);
          const lookup = new Map(definitions.map((d) => [d.id, d]));
          for (const definition of definitions) {
            const segment = compiled.byId.get(definition.id);
            if (!segment?.nextChange) continue;
            // Act
            const next = segment.nextChange(profile, now);
            // Assess: probe just before the reported change (or over 100 days when none is reported)
            const horizon = Number.isFinite(next) ? next : now + 100 * 86_400_000;
            expect(horizon).toBeGreaterThan(now);
            const answer = interpretRule(definition.rule, profile, now, lookup);
            const probes = [horizon - 1, ...fractions.map((f) => now + Math.floor(f * (horizon - 1 - now)))];
            for (const t of probes) expect(interpretRule(definition.rule, profile, t, lookup)).toBe(answer);
          }
        },
      ),
      { numRuns: 600 },
    );
  });
});
