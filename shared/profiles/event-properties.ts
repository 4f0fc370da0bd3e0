/**
 * Lenient readers for Segment event properties. Storefronts send numbers as strings and ids as
 * numbers; the reducer accepts both and ignores what it cannot read (an event is never an error).
 */
import type { OrderLine } from '../ports.js';

export function readNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** A non-empty identifier: strings are trimmed, numbers are written in decimal. */
export function readId(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed.length > 0 ? trimmed : undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function readText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Segment's e-commerce spec names the product `product_id`; older integrations send `sku` or `id`. */
export function readProductId(properties: Record<string, unknown>): string | undefined {
  return readId(properties.product_id) ?? readId(properties.sku) ?? readId(properties.id);
}

/** One entry of `products[]` (or a product event's own properties) as an order line; undefined without an id. */
export function readProductLine(properties: Record<string, unknown>): OrderLine | undefined {
  const productId = readProductId(properties);
  if (productId === undefined) return undefined;
  const quantity = readNumber(properties.quantity) ?? 1;
  const price = readNumber(properties.price) ?? 0;
  if (quantity <= 0 || price < 0) return undefined;
  const category = readText(properties.category);
  return { productId, quantity, price, ...(category !== undefined ? { category } : {}) };
}

/** `products[]` as order lines, skipping entries without an id or with a non-positive quantity. */
export function readProductLines(value: unknown): OrderLine[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const lines: OrderLine[] = [];
  for (const entry of value) {
    if (!isRecord(entry)) continue;
    const line = readProductLine(entry);
    if (line) lines.push(line);
  }
  return lines;
}
