/**
 * The archive's saved queries (issue 23): Athena named queries in the stack's workgroup
 * (infra/constructs/event-archive.ts), printed in README "Your data, out", and run by the tests
 * with `sadakat query` (DuckDB) over a demo's archive. The SQL is what both engines understand
 * (Trino and DuckDB): tables `events`, `decisions`, `engagement` with the columns of columns.ts
 * and the partition column `dt` (YYYY-MM-DD string).
 */

/** The first partition day of a query's window: 30 days ago (a string, so `dt` prunes partitions). */
export const WINDOW_START = "CAST(CAST(current_date - INTERVAL '30' DAY AS DATE) AS VARCHAR)";

export interface ArchiveQuery {
  /** Athena named query name (unique in the workgroup). */
  name: string;
  description: string;
  sql: string;
}

export const ARCHIVE_QUERIES: readonly ArchiveQuery[] = [
  {
    name: 'daily-funnel-per-journey',
    description: 'Per day and journey, the last 30 days: sends, then how many were delivered, opened, clicked',
    sql: `WITH sent AS (
  SELECT dt, journey_id, message_id
  FROM decisions
  WHERE reason = 'sent' AND dt >= ${WINDOW_START}
), reached AS (
  SELECT message_id,
    bool_or(type = 'delivered') AS delivered,
    bool_or(type = 'opened') AS opened,
    bool_or(type = 'clicked') AS clicked
  FROM engagement
  WHERE dt >= ${WINDOW_START}
  GROUP BY message_id
)
SELECT sent.dt AS day, sent.journey_id,
  count(*) AS sent,
  count_if(reached.delivered) AS delivered,
  count_if(reached.opened) AS opened,
  count_if(reached.clicked) AS clicked
FROM sent LEFT JOIN reached ON reached.message_id = sent.message_id
GROUP BY sent.dt, sent.journey_id
ORDER BY day, sent.journey_id`,
  },
  {
    name: 'refusals-by-reason',
    description: 'Send decisions that did not send in the last 30 days, by reason, cause, channel and journey',
    sql: `SELECT reason, cause, channel, journey_id, count(*) AS decisions
FROM decisions
WHERE reason <> 'sent' AND dt >= ${WINDOW_START}
GROUP BY reason, cause, channel, journey_id
ORDER BY decisions DESC, reason, cause, channel, journey_id`,
  },
  {
    name: 'revenue-by-variant',
    description:
      'Per journey and variant (holdout included): customers decided for in the last 30 days, their orders and revenue (the shop currency) in the 7 days after the first decision',
    sql: `WITH assigned AS (
  SELECT journey_id, variant, customer, min(decided_at) AS first_at
  FROM decisions
  WHERE variant IS NOT NULL AND reason IN ('sent', 'holdout') AND dt >= ${WINDOW_START}
  GROUP BY journey_id, variant, customer
), orders AS (
  SELECT customer, "timestamp" AS at, revenue
  FROM events
  WHERE type = 'track' AND event = 'Order Completed' AND dt >= ${WINDOW_START}
), per_customer AS (
  SELECT assigned.journey_id, assigned.variant, assigned.customer,
    count(orders.at) AS orders,
    coalesce(sum(orders.revenue), 0) AS revenue
  FROM assigned LEFT JOIN orders
    ON orders.customer = assigned.customer
    AND orders.at >= assigned.first_at AND orders.at < assigned.first_at + INTERVAL '7' DAY
  GROUP BY assigned.journey_id, assigned.variant, assigned.customer
)
SELECT journey_id, variant,
  count(*) AS customers,
  count_if(orders > 0) AS buyers,
  sum(orders) AS orders,
  round(sum(revenue), 2) AS revenue,
  round(sum(revenue) / count(*), 2) AS revenue_per_customer
FROM per_customer
GROUP BY journey_id, variant
ORDER BY journey_id, variant`,
  },
];
