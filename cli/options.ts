/** Option parsers shared by commands: they reject bad values with the option's name. */
import { InvalidArgumentError } from 'commander';
import type { EngineChoice } from '../shared/local/data-dir.js';

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return parsed;
}

export function nonNegativeInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return parsed;
}

export function engineChoice(value: string): EngineChoice {
  if (value === 'dynamodb-local' || value === 'dynalite' || value === 'auto') return value;
  throw new InvalidArgumentError('expected dynamodb-local, dynalite or auto');
}

export function outputFormat<T extends string>(...allowed: T[]): (value: string) => T {
  return (value) => {
    if ((allowed as string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}`);
  };
}
