/**
 * `settings.yaml` `tiers:` (issue 22, README "Loyalty tiers"): an ordered list, lowest tier first.
 * Each tier names the minimums that qualify a customer — 12-month net spend of verified orders,
 * 12-month verified order count, predicted 12-month CLV (`clv.value12m`) — and a customer
 * qualifies when any one of them is met. The grace period keeps a tier for that many days after
 * the customer falls below it, so a tier does not flap around its boundary.
 */
import * as z from 'zod';

export const tierIdSchema = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_-]{0,31}$/,
    'a tier id starts with a letter and has letters, digits, _ or - (at most 32)',
  );

/** The minimums a tier may set, with what each reads; a customer qualifies when any one is met. */
export const TIER_MINIMUMS = ['minSpend12m', 'minOrders12m', 'minClv'] as const;
export type TierMinimum = (typeof TIER_MINIMUMS)[number];

export const tierSchema = z
  .strictObject({
    id: tierIdSchema.describe('Tier id, as journeys (trigger: { tier: gold }) and segments (attr: tier) name it'),
    minSpend12m: z
      .number()
      .positive()
      .optional()
      .describe('Net spend of verified orders in the current month and the 11 before it (refunds subtracted)'),
    minOrders12m: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Verified orders in the current month and the 11 before it'),
    minClv: z.number().positive().optional().describe('Predicted 12-month value (clv.value12m, nightly refresh)'),
    graceDays: z
      .number()
      .int()
      .min(0)
      .max(3650)
      .default(0)
      .describe('Days the tier is kept after the customer falls below it (not after a refund: that demotes at once)'),
  })
  .check((ctx) => {
    if (TIER_MINIMUMS.some((minimum) => ctx.value[minimum] !== undefined)) return;
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      path: [],
      message: `tier "${ctx.value.id}" needs a rule: one or more of ${TIER_MINIMUMS.join(', ')}`,
    });
  });
export type TierDefinition = z.infer<typeof tierSchema>;

/** Ids unique; every minimum two tiers share rises from the lower tier to the higher one. */
export const tiersSchema = z
  .array(tierSchema)
  .max(10)
  .check((ctx) => {
    const tiers = ctx.value;
    tiers.forEach((tier, index) => {
      const first = tiers.findIndex((other) => other.id === tier.id);
      if (first !== index)
        ctx.issues.push({
          code: 'custom',
          input: tier.id,
          path: [index, 'id'],
          message: `tier "${tier.id}" is listed twice (also item ${first + 1}); tier ids are unique`,
        });
      for (const minimum of TIER_MINIMUMS) {
        const value = tier[minimum];
        if (value === undefined) continue;
        const lower = tiers
          .slice(0, index)
          .reverse()
          .find((other) => other[minimum] !== undefined && (other[minimum] as number) >= value);
        if (lower)
          ctx.issues.push({
            code: 'custom',
            input: value,
            path: [index, minimum],
            message: `${minimum} ${value} of "${tier.id}" is not above ${lower[minimum]} of "${lower.id}": tiers are listed lowest first, so each minimum must rise`,
          });
      }
    });
  })
  .describe('Loyalty tiers, lowest first; a customer holds the highest tier whose rule they meet')
  .default([]);
