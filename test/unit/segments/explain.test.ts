import { describe, expect, it } from 'vitest';
import { formatExplanation } from '../../../cli/commands/segment.js';
import { explainRule } from '../../../shared/segments/interpret.js';
import { eventsAt, HOUR, NOW, profileWith } from './profiles.js';
import { compileYaml } from './rule-harness.js';

const { definitions } = compileYaml(
  [
    '- id: churn_risk',
    '  all: [{ attr: clv.pAlive, lt: 0.3 }, { attr: orders.count, gte: 2 }]',
    '- id: engaged',
    '  any: [{ event: Product Viewed, within: 2h }, { segment: churn_risk }]',
    '',
  ].join('\n'),
);
const lookup = new Map(definitions.map((d) => [d.id, d]));
const rule = (id: string) => (definitions.find((d) => d.id === id) ?? definitions[0]!).rule;

describe('explainRule', () => {
  it('names the first failing clause of a failing all, with the value it saw', () => {
    // Prepare
    const profile = profileWith((p) => {
      p.orders.count = 1;
      p.clv = { pAlive: 0.2, expectedPurchases30d: 0, value12m: 0, tier: 'low' };
    });
    // Act
    const text = formatExplanation('churn_risk', explainRule(rule('churn_risk'), profile, NOW, lookup), 'now');
    // Assess
    expect(text).toContain('churn_risk: no match');
    expect(text).toContain('decided by: orders.count gte 2 [orders.count = 1]');
  });

  it('names the first holding clause of a matching any', () => {
    // Prepare
    const profile = profileWith((p) => void (p.events['Product Viewed'] = eventsAt(NOW - HOUR)));
    // Act
    const text = formatExplanation('engaged', explainRule(rule('engaged'), profile, NOW, lookup), 'now');
    // Assess
    expect(text).toContain('engaged: MATCH');
    expect(text).toContain('decided by: event "Product Viewed" within 2h count gte 1 [count 1]');
  });

  it('follows a segment reference down to the clauses that decided it', () => {
    // Prepare
    const profile = profileWith();
    // Act
    const text = formatExplanation('engaged', explainRule(rule('engaged'), profile, NOW, lookup), 'now');
    // Assess: any failed, so every branch decided; inside churn_risk the first failing clause
    expect(text).toContain(
      'decided by: event "Product Viewed" within 2h count gte 1 [count 0]; clv.pAlive lt 0.3 [clv.pAlive = (missing)]',
    );
  });
});
