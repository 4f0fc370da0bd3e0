/**
 * An engagement line of a `sadakat simulate` events file: what ses-feedback would report about a
 * message a journey step sent, so opened/clicked branches can be played without a provider:
 *
 *   {"type":"engagement","kind":"opened","userId":"c1","step":"cart-email","timestamp":"2026-11-02T10:30:00Z"}
 *
 * `journey` (default: the simulated one) and `customerId` (instead of userId) are optional. The
 * message is the one that step sent the customer's run last; a line naming no sent message is
 * reported, as ses-feedback could never produce it.
 */
import type { CustomerMessage } from '../../events/messages.js';

export type EngagementKind = Extract<CustomerMessage, { kind: 'engagement' }>['type'];

export interface EngagementCall {
  kind: EngagementKind;
  customerId: string;
  journeyId: string | undefined;
  stepId: string;
  at: string;
}

const KINDS: readonly EngagementKind[] = ['delivered', 'opened', 'clicked', 'bounced', 'complained'];

export function isEngagementCall(call: unknown): boolean {
  return typeof call === 'object' && call !== null && (call as { type?: unknown }).type === 'engagement';
}

/** The line's fields checked, or the first field that is wrong and why. */
export function parseEngagementCall(
  call: Record<string, unknown>,
): { ok: true; call: EngagementCall } | { ok: false; field: string; reason: string } {
  const kind = call.kind;
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind))
    return { ok: false, field: 'kind', reason: `expected one of ${KINDS.join(', ')}` };
  const customerId = call.customerId ?? call.userId;
  if (typeof customerId !== 'string' || customerId === '')
    return { ok: false, field: 'userId', reason: 'expected the customer id (userId or customerId)' };
  if (typeof call.step !== 'string' || call.step === '')
    return { ok: false, field: 'step', reason: 'expected the id of the send step whose message this is' };
  if (call.journey !== undefined && typeof call.journey !== 'string')
    return { ok: false, field: 'journey', reason: 'expected a journey id' };
  const at = typeof call.timestamp === 'string' ? Date.parse(call.timestamp) : NaN;
  if (Number.isNaN(at)) return { ok: false, field: 'timestamp', reason: 'expected an ISO timestamp' };
  return {
    ok: true,
    call: {
      kind: kind as EngagementKind,
      customerId,
      journeyId: call.journey as string | undefined,
      stepId: call.step,
      at: new Date(at).toISOString(),
    },
  };
}
