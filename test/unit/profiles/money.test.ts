import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addMoney, roundMoney } from '../../../shared/profiles/money.js';

const root = join(import.meta.dirname, '..', '..', '..');

describe('roundMoney', () => {
  it('rounds to micro-units by default, the unit every stored sum uses', () => {
    expect(roundMoney(0.1 + 0.2)).toBe(0.3);
    expect(roundMoney(19.999_999_6)).toBe(20);
    expect(roundMoney(1.000_000_4)).toBe(1);
    expect(roundMoney(0.1 + 0.2)).toBe(addMoney(0.1, 0.2));
  });

  it('rounds to cents or thousandths where money is drawn or printed coarser', () => {
    expect(roundMoney(12.345_6, 2)).toBe(12.35);
    expect(roundMoney(12.344_9, 2)).toBe(12.34);
    expect(roundMoney(0.1 + 0.2, 3)).toBe(0.3);
    expect(roundMoney(2.000_4, 3)).toBe(2);
  });

  it('is the only money-rounding helper in shared/, cli/, functions/ and infra/', () => {
    const helpers = ['shared', 'cli', 'functions', 'infra'].flatMap((dir) =>
      readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.ts'))
        .map((name) => join(dir, name))
        .filter((file) => /function (roundMoney|round2|roundCents)\b/.test(readFileSync(join(root, file), 'utf8'))),
    );
    expect(helpers).toEqual([join('shared', 'profiles', 'money.ts')]);
  });
});
