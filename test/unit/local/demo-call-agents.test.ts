/**
 * The demo's call-center agents (shared/local/demo/call-agents.ts): each customer's task has its
 * own fate. A scheduled journey's slot gives all its customers one message id (decision 149);
 * drawn by that id, every task of a slot had the same outcome (the default demo's 41 win-back
 * tasks: 23 reached, 12 no_answer, 6 untaken, one value per slot).
 */
import { describe, expect, it } from 'vitest';
import { callClientToken } from '../../../shared/channels/call-task.js';
import { callFate, UNTAKEN_RATE } from '../../../shared/local/demo/call-agents.js';

const CREATED = Date.parse('2026-11-04T07:00:00.000Z');

describe('the demo agents', () => {
  it("give each customer's task of one slot its own outcome, at the configured shares", () => {
    // Act: 400 customers' tasks of one scheduled slot (one message id)
    const fates = Array.from({ length: 400 }, (_, i) =>
      callFate(1, callClientToken(`cust-${i}`, 'slot-message-id'), CREATED),
    );

    // Assess: every outcome occurs; about a fifth untaken; reported within a working day; orders only when converted
    const outcomes = new Map<string, number>();
    for (const fate of fates)
      outcomes.set(fate?.outcome ?? 'untaken', (outcomes.get(fate?.outcome ?? 'untaken') ?? 0) + 1);
    expect([...outcomes.keys()].sort()).toEqual([
      'converted',
      'declined',
      'no_answer',
      'reached',
      'untaken',
      'wrong_number',
    ]);
    expect((outcomes.get('untaken') ?? 0) / 400).toBeGreaterThan(UNTAKEN_RATE - 0.06);
    expect((outcomes.get('untaken') ?? 0) / 400).toBeLessThan(UNTAKEN_RATE + 0.06);
    for (const fate of fates) {
      if (!fate) continue;
      expect(fate.at - CREATED).toBeGreaterThanOrEqual(3_600_000);
      expect(fate.at - CREATED).toBeLessThanOrEqual(8 * 3_600_000);
      expect(fate.order !== undefined).toBe(fate.outcome === 'converted');
    }
  });

  it('is the same for the same seed and task, whatever else was drawn', () => {
    const token = callClientToken('cust-7', 'm-1');
    expect(callFate(7, token, CREATED)).toEqual(callFate(7, token, CREATED));
  });
});
