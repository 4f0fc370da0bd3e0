/** Counts journey runs (`J#` items) per journey with a scan: the demo's summary, not a hot path. */
import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { HANDED_OVER_AT_LOGIN } from '../journeys/run.js';
import { NOT_EXPIRED_FILTER } from './table-retention.js';

/**
 * An anonymous visitor's run handed over to the customer at login is not counted: the customer's
 * copy of it is the same entry (so the counts agree with the A/B report's).
 */
export interface JourneyCensus {
  /** Runs started. */
  entered: number;
  /** Distinct customers among them (a customer may enter again): the A/B report's `entered`. */
  customers: number;
  /** Runs that left on an exit criterion. */
  exited: number;
  /** Runs that walked to the end. */
  completed: number;
  /** Runs per experiment variant (runs past a split). */
  variants: Record<string, number>;
  /** Runs of global-holdout customers. */
  holdout: number;
}

export async function countJourneyRuns(
  doc: DynamoDBDocumentClient,
  tableName: string,
  /** Runs whose TTL has passed at this time are not counted. */
  now: Date,
): Promise<Record<string, JourneyCensus>> {
  const byJourney: Record<string, JourneyCensus> = {};
  const customers = new Map<string, Set<string>>();
  for await (const page of paginateScan(
    { client: doc },
    {
      TableName: tableName,
      FilterExpression: `begins_with(SK, :run) AND ${NOT_EXPIRED_FILTER}`,
      ProjectionExpression: 'journeyId, customerId, #status, exitReason, variant, holdout',
      ExpressionAttributeNames: { '#status': 'status', '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':run': 'J#', ':nowSeconds': Math.floor(now.getTime() / 1000) },
    },
  )) {
    for (const item of page.Items ?? []) {
      if (item.exitReason === HANDED_OVER_AT_LOGIN) continue;
      const census = (byJourney[String(item.journeyId)] ??= {
        entered: 0,
        customers: 0,
        exited: 0,
        completed: 0,
        variants: {},
        holdout: 0,
      });
      census.entered++;
      const seen = customers.get(String(item.journeyId)) ?? new Set<string>();
      customers.set(String(item.journeyId), seen);
      seen.add(String(item.customerId));
      census.customers = seen.size;
      if (item.status === 'exited') census.exited++;
      if (item.status === 'completed') census.completed++;
      if (item.holdout === true) census.holdout++;
      if (typeof item.variant === 'string') census.variants[item.variant] = (census.variants[item.variant] ?? 0) + 1;
    }
  }
  return byJourney;
}
