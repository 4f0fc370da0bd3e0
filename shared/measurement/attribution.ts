/**
 * Which customers converted, per arm of an experiment (DESIGN "Measurement"): intent-to-treat
 * from each customer's FIRST assignment, whatever happened to their sends afterwards.
 *
 * Rules, decided here once:
 * - A customer counts in the arm of their earliest assignment only; later assignments of the
 *   same customer (re-entries) are ignored, so an arm never holds a customer twice.
 * - A goal event counts when `assignedAt < at <= assignedAt + window`: strictly after the
 *   assignment (an order that started the journey, or came before the split, is not caused by
 *   it) and at most the window later (the window end itself included).
 * - One conversion per customer however many goal events fall in the window; revenue is the
 *   sum of ALL of the customer's goal events in the window (two orders within 7 days: one
 *   conversion, both orders' revenue), because revenue per assigned customer is what a
 *   discount moves.
 * - A customer whose window has not closed by the report's as-of time is `maturing`: counted as
 *   assigned (the funnel) but not in conversions or revenue, which would otherwise count them
 *   as non-converters (or, counting only early converters, flatter the rate).
 * - Revenue is net of refunds: a goal event carries what has been refunded of its order so far
 *   (report.ts joins `Order Refunded` by order id, whenever the refund came — decision 25), capped
 *   at the order's amount. The conversion stands (the goal event happened); gross and refunded
 *   amounts are kept beside the net so the subtraction is visible.
 */

export interface Assignment {
  customerId: string;
  arm: string;
  /** ISO instant of the assignment (the split, or journey entry for the holdout). */
  at: string;
}

export interface GoalEvent {
  customerId: string;
  /** ISO instant. */
  at: string;
  /** Revenue carried by the event (0 when the goal has none). */
  revenue: number;
  /** How much of that revenue was refunded (an order's `Order Refunded` events); 0 when absent. */
  refunded?: number;
}

export interface ArmAttribution {
  arm: string;
  assigned: number;
  /** Assigned customers whose goal window is still open at the as-of time (not in the figures below). */
  maturing: number;
  /** Conversions of customers whose window has closed. */
  conversions: number;
  /** Net revenue (gross minus refunded) summed over converted customers, rounded to cents. */
  revenue: number;
  /** Revenue of the attributed goal events before refunds. */
  grossRevenue: number;
  /** Refunded of those goal events (each capped at its event's revenue). */
  refundedRevenue: number;
  /** Net revenue in the window per converted customer (for revenue per assigned customer). */
  buyerRevenue: number[];
  /** Conversions by UTC day of the (first) goal event, `YYYY-MM-DD`. */
  dailyConversions: Record<string, number>;
  /** The first assignment of each customer of the arm (other measures join on it). */
  customers: Map<string, string>;
}

/** Arms in order of first appearance (pass `arms` to fix the order and include empty ones). */
export function attribute(
  assignments: Iterable<Assignment>,
  goals: Iterable<GoalEvent>,
  windowMs: number,
  arms: readonly string[] = [],
  asOfMs = Infinity,
): ArmAttribution[] {
  if (!(windowMs >= 0)) throw new RangeError(`attribute: window must be ≥ 0 ms, got ${windowMs}`);
  const first = new Map<string, Assignment>();
  for (const assignment of assignments) {
    const seen = first.get(assignment.customerId);
    if (!seen || Date.parse(assignment.at) < Date.parse(seen.at)) first.set(assignment.customerId, assignment);
  }

  const goalsByCustomer = new Map<string, GoalEvent[]>();
  for (const goal of goals) {
    if (!first.has(goal.customerId)) continue;
    const list = goalsByCustomer.get(goal.customerId) ?? [];
    list.push(goal);
    goalsByCustomer.set(goal.customerId, list);
  }

  const byArm = new Map<string, ArmAttribution>();
  const armFor = (arm: string): ArmAttribution => {
    let found = byArm.get(arm);
    if (!found) {
      found = {
        arm,
        assigned: 0,
        maturing: 0,
        conversions: 0,
        revenue: 0,
        grossRevenue: 0,
        refundedRevenue: 0,
        buyerRevenue: [],
        dailyConversions: {},
        customers: new Map(),
      };
      byArm.set(arm, found);
    }
    return found;
  };
  for (const arm of arms) armFor(arm);

  for (const assignment of first.values()) {
    const arm = armFor(assignment.arm);
    arm.assigned++;
    arm.customers.set(assignment.customerId, assignment.at);
    const start = Date.parse(assignment.at);
    if (start + windowMs > asOfMs) {
      arm.maturing++;
      continue;
    }
    const inWindow = (goalsByCustomer.get(assignment.customerId) ?? [])
      .filter((goal) => {
        const at = Date.parse(goal.at);
        return at > start && at - start <= windowMs;
      })
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const firstGoal = inWindow[0];
    if (!firstGoal) continue;
    arm.conversions++;
    // In whole cents, so sums of many orders stay exact.
    const grossCents = inWindow.reduce((sum, goal) => sum + Math.round(goal.revenue * 100), 0);
    const refundedCents = inWindow.reduce(
      (sum, goal) => sum + Math.min(Math.round((goal.refunded ?? 0) * 100), Math.round(goal.revenue * 100)),
      0,
    );
    arm.buyerRevenue.push((grossCents - refundedCents) / 100);
    arm.grossRevenue = (Math.round(arm.grossRevenue * 100) + grossCents) / 100;
    arm.refundedRevenue = (Math.round(arm.refundedRevenue * 100) + refundedCents) / 100;
    arm.revenue = (Math.round(arm.revenue * 100) + grossCents - refundedCents) / 100;
    const day = new Date(firstGoal.at).toISOString().slice(0, 10);
    arm.dailyConversions[day] = (arm.dailyConversions[day] ?? 0) + 1;
  }
  return [...byArm.values()];
}
