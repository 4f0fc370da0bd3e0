/**
 * What `sadakat report` needs from the single table, read with one parallel-free Scan (local
 * data folders and operator reports; not a hot path): profiles' experiment assignments and
 * consent, journey runs (`J#`), orders (`O#`) and the message-stats counters (`STATS#MSG#`).
 * Only the attributes the report uses are projected.
 */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReportData, ReportProfile, ReportRun } from '../measurement/report.js';

const STATS_PREFIX = 'STATS#MSG#';

export async function readReportData(doc: DynamoDBDocumentClient, tableName: string): Promise<ReportData> {
  const profiles: ReportProfile[] = [];
  const runs: ReportRun[] = [];
  const orders: { customerId: string; at: string; amount: number }[] = [];
  const messageStats: { journeyId: string; variant: string | undefined; metric: string; count: number }[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: tableName,
        ProjectionExpression: 'PK, SK, mergedInto, experiments, consent, journeyId, customerId, holdout, enteredAt, convertedAt, #at, amount, #count',
        ExpressionAttributeNames: { '#at': 'at', '#count': 'count' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const pk = String(item.PK);
      const sk = String(item.SK);
      if (pk.startsWith(STATS_PREFIX)) {
        // PK = STATS#MSG#<journeyId>#<variant> (journey ids cannot hold '#'), SK = <step>#<channel>#<metric>#<shard>.
        const [journeyId = '', variant = '-'] = pk.slice(STATS_PREFIX.length).split('#');
        const metric = sk.split('#')[2] ?? '';
        messageStats.push({ journeyId, variant: variant === '-' ? undefined : variant, metric, count: Number(item.count ?? 0) });
      } else if (!pk.startsWith('C#')) {
        continue;
      } else if (sk === 'PROFILE') {
        if (item.mergedInto) continue;
        profiles.push({
          id: pk.slice(2),
          experiments: (item.experiments ?? {}) as ReportProfile['experiments'],
          consent: (item.consent ?? {}) as ReportProfile['consent'],
        });
      } else if (sk.startsWith('J#')) {
        runs.push({
          journeyId: String(item.journeyId),
          customerId: String(item.customerId),
          holdout: item.holdout === true,
          enteredAt: String(item.enteredAt),
          ...(typeof item.convertedAt === 'string' ? { convertedAt: item.convertedAt } : {}),
        });
      } else if (sk.startsWith('O#') && typeof item.at === 'string') {
        orders.push({ customerId: String(item.customerId), at: item.at, amount: Number(item.amount ?? 0) });
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  // Scan order depends on the engine's hashing; sorted, the same data gives the same report.
  runs.sort((a, b) => a.enteredAt.localeCompare(b.enteredAt) || a.customerId.localeCompare(b.customerId));
  profiles.sort((a, b) => a.id.localeCompare(b.id));
  return { profiles, runs, orders, messageStats };
}
