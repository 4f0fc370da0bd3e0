/**
 * The profile reducer (DESIGN "Events", "Profile"): folds one normalized event into a customer's
 * profile. Pure — the input is never mutated, `version` is left to the store — and built so the
 * profile a set of events leaves does not depend on the order they arrive in: counters are sums,
 * times are max/min, windows follow the newest time seen, identify fields are last-write-wins by
 * event time, and same-instant ties are decided by value. The exceptions are the caps (a value,
 * line or device evicted by a cap and seen again starts over) and `recentIds`, the ring of
 * applied ids, whose order is arrival order.
 */
import { CALL_COMPLETED, callCompletedOf } from '../events/call-completed.js';
import { ECOMMERCE_EVENTS, type NormalizedEvent } from '../events/event.js';
import { CRM_EVENTS } from '../events/crm-events.js';
import { openComplaint, readComplaint, resolveComplaint } from './complaints.js';
import { applySurveyAnswer, readSurveyResponse } from './survey-answers.js';
import { markPhoneWrong } from './phone-status.js';
import { addToCart, clearCart, removeFromCart, replaceCart } from './cart.js';
import { readProductId, readProductLine, readProductLines, readText } from './event-properties.js';
import { recordEvent, trackedPropertyKeys } from './event-summary.js';
import { appliedIds } from './recent-ids.js';
import { applyContext, applyIdentifyTraits, type CallTrust } from './identify.js';
import { PROFILE_LIMITS } from './limits.js';
import { addMoney } from './money.js';
import { amountOf } from './order-from-event.js';
import { addOrder } from './order-stats.js';
import { addRecentProduct } from './recent-products.js';
import type { Profile } from './schema.js';
import { laterIso, normalizeIso } from './timestamps.js';
import { trimToBudget } from './trim.js';
import { addToSpendMonths } from '../tiers/spend-months.js';
import type { TierDefinition } from '../tiers/tier-settings.js';

export interface ReducerSettings {
  /** Event properties kept as `props["<property>=<value>"]`, per event name (campaign/settings.yaml). */
  trackedProperties: Record<string, readonly string[]>;
  /** The shop's `defaultTimezone`: order days are its dates (docs/decisions.md 84). */
  timezone: string;
  /** settings.yaml `tiers`, lowest first: the tier is brought up to date on every profile write (profile-step.ts). */
  tiers?: readonly TierDefinition[];
}

export type ApplyResult = { applied: true; profile: Profile } | { applied: false; reason: 'duplicate' };

/** The event names page and screen calls are counted under (the page name is their `name` property). */
export const PAGE_VIEWED = 'Page Viewed';
export const SCREEN_VIEWED = 'Screen Viewed';

/** Longer track names are cut to this length: every name is counted, none can bloat the profile. */
const MAX_EVENT_NAME_LENGTH = 100;

/**
 * `trust`: an unverified call (a browser key without the userId's identity token) changes no
 * contact point, grant, name or trait of a known customer and keeps its contact points and
 * grants pending on other profiles (identify.ts); behaviour counts either way.
 */
export function applyEvent(
  profile: Profile,
  event: NormalizedEvent,
  settings: ReducerSettings,
  trust: CallTrust = 'verified',
): ApplyResult {
  const at = normalizeIso(event.timestamp, 'timestamp');
  const ids = appliedIds(event);
  if (ids.some((id) => profile.recentIds.includes(id))) return { applied: false, reason: 'duplicate' };

  const next = structuredClone(profile);
  next.recentIds = [...next.recentIds, ...ids].slice(-PROFILE_LIMITS.recentIds);
  applyContext(next, event, at, trust);
  switch (event.type) {
    case 'track':
      if (event.event !== undefined && event.event.trim().length > 0)
        applyTrack(next, event.event, event.properties, at, settings, trust);
      break;
    case 'page':
      applyTrack(next, PAGE_VIEWED, withPageName(event), at, settings);
      break;
    case 'screen':
      applyTrack(next, SCREEN_VIEWED, withPageName(event), at, settings);
      break;
    case 'identify':
      applyIdentifyTraits(next, event, at, trust);
      break;
    case 'alias':
    case 'group':
      // alias links identities (identity/merge-anonymous.ts); group traits describe the account, not the person.
      break;
    default: {
      const unreachable: never = event.type;
      throw new Error(`unknown event type ${String(unreachable)}`);
    }
  }
  next.updatedAt = laterIso(next.updatedAt, at);
  return { applied: true, profile: trimToBudget(next) };
}

function applyTrack(
  profile: Profile,
  rawName: string,
  properties: Record<string, unknown>,
  at: string,
  settings: ReducerSettings,
  trust: CallTrust = 'verified',
): void {
  const name = rawName.slice(0, MAX_EVENT_NAME_LENGTH);
  // A stored key named `__proto__` would replace the map's prototype instead of adding an entry.
  if (name !== '__proto__') {
    const keys = trackedPropertyKeys(
      Object.hasOwn(settings.trackedProperties, name) ? settings.trackedProperties[name] : undefined,
      properties,
    );
    profile.events[name] = recordEvent(
      Object.hasOwn(profile.events, name) ? profile.events[name] : undefined,
      at,
      keys,
    );
  }

  switch (name) {
    case ECOMMERCE_EVENTS.productViewed:
      rememberProduct(profile, 'viewed', properties, at);
      return;
    case ECOMMERCE_EVENTS.productAdded: {
      rememberProduct(profile, 'carted', properties, at);
      const line = readProductLine(properties);
      if (line) profile.cart = addToCart(profile.cart, line, at);
      return;
    }
    case ECOMMERCE_EVENTS.productRemoved: {
      const productId = readProductId(properties);
      if (productId !== undefined) profile.cart = removeFromCart(profile.cart, productId, at);
      return;
    }
    case ECOMMERCE_EVENTS.cartViewed:
    case ECOMMERCE_EVENTS.checkoutStarted: {
      // An empty or missing list is read as "not sent", not as an emptied cart.
      const lines = readProductLines(properties.products);
      if (lines !== undefined && lines.length > 0) profile.cart = replaceCart(profile.cart, lines, at);
      return;
    }
    case ECOMMERCE_EVENTS.orderCompleted: {
      const amount = amountOf(properties);
      // DESIGN "RFM": an order of amount ≤ 0 is not an order; the event is still counted above.
      if (amount > 0) profile.orders = addOrder(profile.orders, amount, at, settings.timezone);
      // Tiers count verified orders only (issue 22): a browser order, even one settings accept, never lifts a tier.
      if (amount > 0 && trust === 'verified')
        profile.spendMonths = addToSpendMonths(profile.spendMonths, at, settings.timezone, amount, 1);
      profile.cart = clearCart(profile.cart, at);
      return;
    }
    case CALL_COMPLETED:
      if (callCompletedOf({ type: 'track', event: name, properties })?.outcome === 'wrong_number')
        markPhoneWrong(profile, at);
      return;
    case ECOMMERCE_EVENTS.orderRefunded: {
      // Some storefronts send refunds as negative revenue; the refund total is a positive amount.
      const refunded = Math.abs(amountOf(properties));
      profile.refunds = { count: profile.refunds.count + 1, amount: addMoney(profile.refunds.amount, refunded) };
      // Netted in the refund's month: the order's own month is not in the event.
      if (refunded > 0 && trust === 'verified')
        profile.spendMonths = addToSpendMonths(profile.spendMonths, at, settings.timezone, -refunded, 0);
      return;
    }
    case CRM_EVENTS.surveyAnswered: {
      const response = readSurveyResponse(properties);
      if (response) applySurveyAnswer(profile, response, at);
      return;
    }
    case CRM_EVENTS.complaintOpened: {
      const complaint = readComplaint(properties);
      if (complaint) openComplaint(profile, complaint, at);
      return;
    }
    case CRM_EVENTS.complaintResolved: {
      const complaint = readComplaint(properties);
      if (complaint) resolveComplaint(profile, complaint, at);
      return;
    }
    default:
      return;
  }
}

function rememberProduct(
  profile: Profile,
  list: 'viewed' | 'carted',
  properties: Record<string, unknown>,
  at: string,
): void {
  const productId = readProductId(properties);
  if (productId === undefined) return;
  const category = readText(properties.category);
  profile.recent[list] = addRecentProduct(profile.recent[list], {
    productId,
    at,
    ...(category !== undefined ? { category } : {}),
  });
}

/** Segment sends the page name beside the properties; tracked properties may name it as `name`. */
function withPageName(event: NormalizedEvent): Record<string, unknown> {
  return event.event !== undefined && event.properties.name === undefined
    ? { ...event.properties, name: event.event }
    : event.properties;
}
