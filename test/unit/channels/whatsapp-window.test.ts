/** Meta's 24-hour customer-service window, property-tested (shared/channels/whatsapp/window.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chooseWhatsAppMessage,
  insideServiceWindow,
  SERVICE_WINDOW_MS,
  whatsAppParameter,
  type WhatsAppForms,
} from '../../../shared/channels/whatsapp/window.js';

const NOW = Date.parse('2026-11-02T09:00:00Z');
const DAY = SERVICE_WINDOW_MS;

/** A last inbound time somewhere in the three days around now (ms offset), or none. */
const lastInbound = fc.option(fc.integer({ min: -3 * DAY, max: DAY }), { nil: undefined });
const forms: fc.Arbitrary<WhatsAppForms> = fc.record(
  {
    text: fc.string(),
    template: fc.record({
      name: fc.stringMatching(/^[a-z_]{1,20}$/),
      language: fc.constantFrom('tr', 'en_US'),
      parameters: fc.array(fc.string(), { maxLength: 3 }),
    }),
  },
  { requiredKeys: [] },
);
const iso = (offset: number | undefined) => (offset === undefined ? undefined : new Date(NOW + offset).toISOString());

describe("WhatsApp's 24-hour window", () => {
  it('sends free-form text only when the customer wrote in the 24 hours before now', () => {
    fc.assert(
      fc.property(forms, lastInbound, (given, offset) => {
        const decision = chooseWhatsAppMessage(given, iso(offset), new Date(NOW));
        const inside = offset !== undefined && offset <= 0 && -offset < DAY;
        if (decision.ok && decision.message.kind === 'text') expect(inside).toBe(true);
      }),
    );
  });

  it('sends something whenever a template exists, and text whenever allowed and written', () => {
    fc.assert(
      fc.property(forms, lastInbound, (given, offset) => {
        const decision = chooseWhatsAppMessage(given, iso(offset), new Date(NOW));
        const inside = insideServiceWindow(iso(offset), new Date(NOW));
        expect(decision.ok).toBe(given.template !== undefined || (given.text !== undefined && inside));
        if (inside && given.text !== undefined) expect(decision).toMatchObject({ ok: true, message: { kind: 'text' } });
        if (decision.ok && decision.message.kind === 'template')
          expect(decision.message).toEqual({ kind: 'template', ...given.template });
      }),
    );
  });

  it('closes exactly 24 hours after the last inbound message, and never opens from a future time', () => {
    const at = (offset: number) => insideServiceWindow(iso(offset), new Date(NOW));
    expect([at(0), at(-DAY + 1), at(-DAY), at(-DAY - 1), at(1)]).toEqual([true, true, false, false, false]);
    expect(insideServiceWindow('not a time', new Date(NOW))).toBe(false);
    expect(insideServiceWindow(undefined, new Date(NOW))).toBe(false);
  });

  it('moves with the clock: inside at some now, outside at every now 24 hours or more later', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: DAY - 1 }), fc.integer({ min: 0, max: 10 * DAY }), (within, later) => {
        const last = new Date(NOW).toISOString();
        expect(insideServiceWindow(last, new Date(NOW + within))).toBe(true);
        expect(insideServiceWindow(last, new Date(NOW + DAY + later))).toBe(false);
      }),
    );
  });
});

describe('WhatsApp template parameters', () => {
  it('never carry a newline or tab, nor more than three spaces in a row, nor edge spaces', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '\n', '\t', '\r', '\u2028', 'ş') }), (text) => {
        const parameter = whatsAppParameter(text);
        expect(parameter).not.toMatch(/[\r\n\t\u2028\u2029]| {4}/);
        expect(parameter).toBe(parameter.trim());
      }),
    );
  });
});
