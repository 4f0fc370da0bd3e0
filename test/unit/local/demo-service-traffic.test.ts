/**
 * The demo shop's back end (issue 22): complaints and survey answers posted with the server key,
 * drawn from hashes of the seed.
 */
import { describe, expect, it } from 'vitest';
import { SyntheticShop } from '../../../shared/local/demo/synthetic-shop.js';

const LIVE_START = new Date('2026-11-02T00:00:00Z');

function shopTraffic(seed: number) {
  const shop = new SyntheticShop({ customers: 1000, days: 3, seed, liveStart: LIVE_START });
  const storefront = [...shop.traffic()];
  return { storefront, service: shop.serviceTraffic() };
}

type Post = ReturnType<typeof shopTraffic>['service'][number];
const event = (post: Post) => post.body.event as string;
const properties = (post: Post) => post.body.properties as Record<string, unknown>;

describe('the demo shop back end', () => {
  it('opens complaints before some customers come back to browse, resolves most of them later, in time order', () => {
    // Act
    const { storefront, service } = shopTraffic(7);

    // Assess: time order, valid channels, every resolution after its opening.
    const at = service.map((post) => post.at.getTime());
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    const opened = service.filter((post) => event(post) === 'Complaint Opened');
    const resolved = service.filter((post) => event(post) === 'Complaint Resolved');
    expect(opened.length).toBeGreaterThan(0);
    expect(resolved.length).toBeGreaterThan(0);
    expect(resolved.length).toBeLessThan(opened.length);
    const openedAt = new Map(opened.map((post) => [properties(post).complaint_id, post.at.getTime()]));
    for (const post of opened) expect(['call_center', 'email', 'store', 'web']).toContain(properties(post).channel);
    for (const post of resolved)
      expect(post.at.getTime()).toBeGreaterThan(
        openedAt.get(properties(post).complaint_id) ?? Number.POSITIVE_INFINITY,
      );
    // Some complaints came before the customer's first visit of the live week (the browse journey
    // then meets an open complaint: the demo's open_complaint refusals).
    const firstVisit = new Map<string, number>();
    for (const post of storefront)
      for (const call of (post.body.batch ?? []) as Record<string, unknown>[])
        if (typeof call.userId === 'string' && !firstVisit.has(call.userId) && call.type === 'track')
          firstVisit.set(call.userId, post.at.getTime());
    const beforeVisit = opened.filter((post) => {
      const visit = firstVisit.get(post.body.userId as string);
      return visit !== undefined && post.at.getTime() < visit && visit - post.at.getTime() <= 26 * 3_600_000;
    });
    expect(beforeVisit.length).toBeGreaterThan(0);
    // Survey answers: scores 0–10 from the server.
    const answers = service.filter((post) => event(post) === 'Survey Answered');
    expect(answers.length).toBeGreaterThan(0);
    for (const post of answers)
      expect(properties(post).score).toSatisfy(
        (score) => Number.isInteger(score) && Number(score) >= 0 && Number(score) <= 10,
      );
  });

  it('is the same for the same seed', () => {
    const first = shopTraffic(3);
    const second = shopTraffic(3);
    expect(second.service).toEqual(first.service);
    expect(second.storefront).toEqual(first.storefront);
  });
});
