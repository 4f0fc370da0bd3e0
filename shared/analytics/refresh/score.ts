/**
 * Score phase, one scan segment: each profile's `rfm`, `clv` and `recommendations` from the fitted
 * model, sent as a `scores` message into the customer's FIFO group for profiles whose scores
 * changed. process-events applies it (applyScores) and re-evaluates the customer's segments in
 * the same write, so no separate `recheck` is needed.
 *
 * Why messages and not DESIGN's other option (an atomic UpdateItem of only the refresh's own
 * attributes, without bumping `version`): process-events writes a profile with
 * DynamoProfileStore.putProfile, which SETs every top-level attribute of the profile it read,
 * `rfm`, `clv` and `recommendations` included, conditional only on `version`. A refresh update
 * landing between its read and its write would not change `version`, so the write would succeed
 * and put back the old scores. Bumping `version` instead would make the refresh a second writer
 * racing process-events. The `scores` message keeps process-events the only writer.
 */
import type { Settings } from '../../config/settings.js';
import type { CustomerMessage } from '../../events/messages.js';
import type { AttrRule } from '../../segments/ast.js';
import type { CompiledSegments } from '../../segments/compile.js';
import { attrHolds } from '../../segments/interpret.js';
import { basisOf, churnBand, paramsOfBasis, readClv } from '../clv-on-read.js';
import { isAnonymousCustomerId } from '../../identity/customer-id.js';
import type { EventQueue } from '../../ports.js';
import type { Clv, Rfm } from '../../profiles/schema.js';
import { shopDay } from '../calendar-day.js';
import { customerBaskets, DEFAULT_RECOMMENDATIONS, recommendFor, type PurchasedOrder } from '../recommendations.js';
import { readArtifact, refreshModelSchema, type RefreshModel } from './artifacts.js';
import { clvOf, tierOf, valueOf } from './clv-scores.js';
import { asOfDay, type SliceRun } from './plan.js';
import type { CustomerScan, RefreshArtifacts, ScoredProfile } from './ports.js';
import { purchaseHistory } from './purchase-history.js';
import { scoreRfm } from './rfm-cuts.js';

export interface ScoreInput extends SliceRun {
  modelKey: string;
}

export interface ScoreResult {
  segment: number;
  profiles: number;
  /** Profiles given scores (customers with orders, and known customers without, who get recommendations). */
  scored: number;
  /** Profiles given a non-empty recommendation list. */
  recommended: number;
  /** `scores` messages sent: profiles whose scores changed. */
  changed: number;
  /** Whether CLV was scored, or why not (the model gate). */
  clv: { status: 'scored' } | { status: 'skipped'; reason: string };
}

export interface ScoreOptions {
  recommendations?: number;
  /** Messages per enqueue call. */
  batchSize?: number;
  onProgress?: (profiles: number) => void;
  /**
   * `visible` (default, decision 225): a customer is written only when a rule could see a
   * difference — their RFM scores, CLV tier, churn band, recommendations, or the answer of a
   * rule comparing a CLV figure (`clvRules`) — and the CLV written is the tier and the fitted
   * parameters, the figures being computed on read. `every-change`: the behaviour before it,
   * every figure written whenever one changed (the bench's peer).
   */
  writes?: 'visible' | 'every-change';
}

/** The comparisons of drifting CLV figures rules make (segments' clvRules and tiers' minClv). */
export type ClvRules = readonly AttrRule[];

/** Every comparison of a drifting CLV figure in the campaign: segment rules and loyalty tiers' `minClv`. */
export function clvRulesOf(campaign: { settings: Pick<Settings, 'tiers'>; segments: CompiledSegments }): ClvRules {
  const tiers = campaign.settings.tiers.flatMap((tier): AttrRule[] =>
    tier.minClv === undefined ? [] : [{ kind: 'attr', path: 'clv.value12m', test: { op: 'gte', value: tier.minClv } }],
  );
  return [...(campaign.segments.clvRules ?? []), ...tiers];
}

type ScoresMessage = Extract<CustomerMessage, { kind: 'scores' }>;

export async function scoreSlice(
  /** `clvRules`: what the campaign's rules compare CLV figures with (clvRulesOf); none when absent. */
  deps: { scan: CustomerScan; artifacts: RefreshArtifacts; queue: EventQueue; clvRules?: ClvRules },
  input: ScoreInput,
  options: ScoreOptions = {},
): Promise<ScoreResult> {
  const model = await readArtifact(deps.artifacts, input.modelKey, refreshModelSchema);
  const day = asOfDay(input);
  const orders: PurchasedOrder[] = [];
  for await (const order of deps.scan.orders(input)) if (shopDay(order.at, input.timezone) <= day) orders.push(order);
  const bought = customerBaskets(orders, Infinity);

  const result: ScoreResult = {
    segment: input.segment,
    profiles: 0,
    scored: 0,
    recommended: 0,
    changed: 0,
    clv: model.clv.status === 'fitted' ? { status: 'scored' } : { status: 'skipped', reason: model.clv.reason },
  };
  const batchSize = options.batchSize ?? 100;
  const calendar = { day, timezone: input.timezone };
  let pending: ScoresMessage[] = [];
  for await (const profile of deps.scan.profiles(input)) {
    result.profiles++;
    options.onProgress?.(result.profiles);
    const scores = scoresOf(
      model,
      profile,
      calendar,
      bought.get(profile.id) ?? [],
      options.recommendations ?? DEFAULT_RECOMMENDATIONS,
    );
    if (scores === undefined) continue;
    result.scored++;
    if (scores.recommendations.length > 0) result.recommended++;
    const message =
      (options.writes ?? 'visible') === 'visible'
        ? visibleScores(profile, scores, { ...calendar, rules: deps.clvRules ?? [] }, input.at)
        : changedScores(profile, scores, input.at);
    if (message === undefined) continue;
    pending.push(message);
    if (pending.length >= batchSize) {
      await deps.queue.enqueue(pending);
      result.changed += pending.length;
      pending = [];
    }
  }
  if (pending.length > 0) {
    await deps.queue.enqueue(pending);
    result.changed += pending.length;
  }
  return result;
}

interface Scores {
  rfm?: Rfm;
  /** Every figure and the tier, as `every-change` writes them. */
  clv?: Clv;
  /** The tier and the fitted parameters, as `visible` writes them (the figures computed on read). */
  stored?: Clv;
  recommendations: string[];
}

/**
 * Undefined for anonymous visitors who never bought: popular products would be all they get,
 * and there are many of them, so they are left out until they buy or log in.
 */
function scoresOf(
  model: RefreshModel,
  profile: ScoredProfile,
  calendar: { day: number; timezone: string },
  bought: readonly string[],
  n: number,
): Scores | undefined {
  const history = purchaseHistory(profile.orders, calendar.day, calendar.timezone);
  if (history === undefined && isAnonymousCustomerId(profile.id)) return undefined;
  const scores: Scores = { recommendations: recommendFor(model.recommender, bought, n) };
  if (history === undefined) return scores;
  if (model.rfm) scores.rfm = scoreRfm(model.rfm, { id: profile.id, ...history });
  if (model.clv.status === 'fitted') {
    scores.clv = clvOf(model.clv, model.clv.tiers, history);
    // The figures are read back from the stored (rounded) parameters, so what the score phase
    // compares is exactly what a reader computes the next moment.
    const basis = basisOf(model.clv);
    scores.stored = { tier: tierOf(valueOf(paramsOfBasis(basis), history), model.clv.tiers), basis };
  }
  return scores;
}

/**
 * decision 225: a `scores` message only when a rule could see a difference — the RFM scores,
 * the recommendations, the CLV tier, the churn band, a rule's answer on a CLV figure (the figures
 * as they read now from the stored parameters beside those from tonight's), or a profile with
 * CLV figures but no parameters yet (scored before this). The CLV written is tier + parameters.
 */
function visibleScores(
  profile: ScoredProfile,
  scores: Scores,
  context: { day: number; timezone: string; rules: ClvRules },
  at: string,
): ScoresMessage | undefined {
  const message = changedScores(profile, { ...scores, clv: undefined }, at) ?? {
    kind: 'scores',
    customerId: profile.id,
    at,
  };
  let changed = message.rfm !== undefined || message.recommendations !== undefined;
  if (scores.stored !== undefined) {
    const fresh = readClv({ clv: scores.stored, orders: profile.orders }, context.day, context.timezone);
    const current = readClv(profile, context.day, context.timezone);
    if (
      current === undefined ||
      fresh === undefined ||
      current.basis === undefined ||
      current.tier !== fresh.tier ||
      churnBand(current.pNoPurchase30d) !== churnBand(fresh.pNoPurchase30d) ||
      context.rules.some((rule) => answerOf(rule, current) !== answerOf(rule, fresh))
    ) {
      message.clv = scores.stored;
      changed = true;
    }
  }
  return changed ? message : undefined;
}

/** A comparison's answer on a CLV (the rule reads `clv.<figure>`; nothing else varies here). */
function answerOf(rule: AttrRule, clv: Clv): boolean {
  const figure = rule.path.slice('clv.'.length) as keyof Clv;
  return attrHolds(rule.test, clv[figure], 0);
}

/** A `scores` message with the fields that differ from the profile's, or undefined when none do. */
function changedScores(profile: ScoredProfile, scores: Scores, at: string): ScoresMessage | undefined {
  const message: ScoresMessage = { kind: 'scores', customerId: profile.id, at };
  let changed = false;
  if (scores.rfm && !sameFields(scores.rfm, profile.rfm)) {
    message.rfm = scores.rfm;
    changed = true;
  }
  if (scores.clv && !sameFields(scores.clv, profile.clv)) {
    message.clv = scores.clv;
    changed = true;
  }
  const current = profile.recommendations;
  if (
    scores.recommendations.length !== current.length ||
    scores.recommendations.some((product, i) => product !== current[i])
  ) {
    message.recommendations = scores.recommendations;
    changed = true;
  }
  return changed ? message : undefined;
}

/** Field by field: a stored map's key order is not the order it was written in. */
function sameFields<T extends Rfm | Clv>(next: T, stored: T | undefined): boolean {
  return stored !== undefined && (Object.keys(next) as (keyof T)[]).every((key) => next[key] === stored[key]);
}
