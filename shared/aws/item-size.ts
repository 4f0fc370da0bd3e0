/**
 * The size DynamoDB bills an item by (issue 19: a profile item over 1 KB costs two write units on
 * every write), by the rules of the developer guide's "Item sizes and formats": attribute names
 * and strings count their UTF-8 bytes, a number about one byte per two significant digits plus
 * one (numberSize), binary its bytes, null and booleans one byte, and a map or list 3 bytes plus one per
 * element on top of its elements (a map's element names counted as names). Sets count their
 * elements. Hand-written: a few rules, and the one npm package for them (dyno-item-size 0.3.3) names
 * no repository.
 */

const encoder = new TextEncoder();

/** Bytes of a document-client item (plain JS values, as GetCommand returns them). */
export function itemSize(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += utf8(name) + valueSize(value);
  return size;
}

function valueSize(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberSize(String(value));
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) {
    let size = 0;
    for (const element of value) size += valueSize(element);
    return size;
  }
  if (Array.isArray(value)) return value.reduce((sum: number, element) => sum + 1 + valueSize(element), 3);
  if (typeof value === 'object') {
    let size = 3;
    for (const [name, element] of Object.entries(value)) size += 1 + utf8(name) + valueSize(element);
    return size;
  }
  return utf8(String(value));
}

/**
 * About one byte per two significant digits plus one, as DynamoDB stores them (base-100 digits
 * and an exponent byte; dynalite's formula, fitted to DynamoDB's figures): a negative number or
 * an even count of digits starting at an even exponent takes one byte more.
 */
function numberSize(text: string): number {
  const negative = text.startsWith('-');
  const [mantissa = '', exponent = '0'] = text.replace(/^[-+]/, '').split(/e/i);
  const [whole = '', fraction = ''] = mantissa.split('.');
  const all = `${whole}${fraction}`;
  const leading = /^0*/.exec(all)?.[0].length ?? 0;
  const digits = all.slice(leading).replace(/0+$/, '');
  if (digits.length === 0) return 1;
  // The power of ten of the first significant digit.
  const power = whole.length + Number(exponent) - leading - 1;
  const evenStart = digits.length % 2 === 0 && power % 2 === 0;
  return 1 + Math.ceil(digits.length / 2) + (evenStart ? 1 : 0) + (negative ? 1 : 0);
}

function utf8(text: string): number {
  return encoder.encode(text).byteLength;
}
