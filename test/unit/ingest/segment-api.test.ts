import { describe, expect, it } from 'vitest';
import { segmentRoute } from '../../../shared/events/segment-api.js';

describe('segmentRoute', () => {
  it('maps a short alias to the same route as the full path', () => {
    // Act + Assess
    expect(segmentRoute('/v1/i')).toEqual(segmentRoute('/v1/identify'));
  });

  it('accepts a trailing slash', () => {
    // Act + Assess
    expect(segmentRoute('/v1/batch/')).toEqual({ kind: 'batch' });
  });

  it.each([['/v1/purchase'], ['/v1/__proto__'], ['/v1/constructor'], ['/v2/track'], ['/']])(
    'knows no route %s',
    (path) => {
      // Act + Assess
      expect(segmentRoute(path)).toBeUndefined();
    },
  );
});
