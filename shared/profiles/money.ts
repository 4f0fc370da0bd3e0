/**
 * Money in the profile is stored as decimal numbers but summed in integer micro-units (1e-6 of
 * the currency unit): every amount is rounded to 6 decimals once, and sums of integers are exact
 * below 2^53 micro-units (≈ 9 billion units), so totals never drift and the same amounts summed
 * in any order give the very same number. 6 decimals cover every ISO-4217 minor unit (at most 4).
 */
import { roundTo } from '../rounding.js';

const MICROS = 1_000_000;

function toMicros(amount: number): number {
  return Math.round(amount * MICROS);
}

function fromMicros(micros: number): number {
  return micros / MICROS;
}

/**
 * The one money rounding of the project: to micro-units by default (what every stored sum uses),
 * or to `decimals` places where money is printed or drawn coarser (2: cents; 3: the rfm export).
 */
export function roundMoney(amount: number, decimals = 6): number {
  return decimals === 6 ? fromMicros(toMicros(amount)) : roundTo(amount, decimals);
}

export function addMoney(...amounts: readonly number[]): number {
  let micros = 0;
  for (const amount of amounts) micros += toMicros(amount);
  return fromMicros(micros);
}

export function subtractMoney(a: number, b: number): number {
  return fromMicros(toMicros(a) - toMicros(b));
}

export function multiplyMoney(price: number, quantity: number): number {
  return roundMoney(price * quantity);
}
