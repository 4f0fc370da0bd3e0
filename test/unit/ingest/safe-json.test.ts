import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, parseSafeJson } from '../../../shared/events/safe-json.js';

describe('parseSafeJson', () => {
  it('removes __proto__, constructor and prototype keys at every level', () => {
    // Act
    const parsed = parseSafeJson('{"a":[{"__proto__":{"x":1},"keep":1}],"constructor":{"prototype":{}},"prototype":2}');

    // Assess
    expect(parsed).toEqual({ ok: true, value: { a: [{ keep: 1 }] } });
  });

  it('leaves Object.prototype untouched', () => {
    // Act
    const parsed = parseSafeJson('{"__proto__":{"polluted":true}}');
    Object.assign({}, parsed.ok ? parsed.value : {});

    // Assess
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('reports text that is not JSON', () => {
    // Act + Assess
    expect(parseSafeJson('{oops')).toEqual({ ok: false, reason: 'not_json' });
  });

  it('refuses nesting past the limit without overflowing the stack', () => {
    // Act
    const parsed = parseSafeJson(`${'['.repeat(200_000)}${']'.repeat(200_000)}`);

    // Assess
    expect(parsed).toEqual({ ok: false, reason: 'too_deep' });
  });

  it('accepts nesting just under the limit', () => {
    // Act
    const parsed = parseSafeJson(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`);

    // Assess
    expect(parsed.ok).toBe(true);
  });
});
