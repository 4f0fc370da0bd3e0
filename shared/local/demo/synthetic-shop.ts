/**
 * A synthetic shop for the demo: a customer base with 18 months of order history drawn from the
 * BG/NBD and Gamma-Gamma generative processes (so RFM and CLV have real spread), and a live
 * week of storefront traffic as Segment calls: anonymous browsing, logins that merge it, carts,
 * orders, refunds, consent, devices, client retries and a few malformed events.
 *
 * Everything is drawn from one seeded generator: the same seed gives the same shop.
 */
import type { HistoricalOrder } from '../../profiles/import-orders.js';
import { roundMoney } from '../../profiles/money.js';
import { SeededRandom } from '../seeded-random.js';
import { DEMO_COMMENTS, uniform, type DeliveryExperience } from './offer-response.js';

const DAY_MS = 86_400_000;
/** Customers who let the call center call them. */
const CALL_CONSENT_RATE = 0.6;
const WEEK_MS = 7 * DAY_MS;

export interface ShopOptions {
  customers: number;
  days: number;
  seed: number;
  /** Start of the live traffic; the history ends here. */
  liveStart: Date;
  historyMonths?: number;
}

export interface Product {
  id: string;
  category: string;
  price: number;
}

export interface SyntheticCustomer {
  userId: string;
  firstName: string;
  email: string;
  phone: string;
  timezone: string;
  locale: string;
  /** `call`: calls from the call center (İYS ARAMA), drawn from a hash of the id so the shop's other draws stay as they were. */
  consent: { email: boolean; sms: boolean; push: boolean; call: boolean };
  device?: { token: string; type: 'ios' | 'android' };
  /** Purchase rate per week and dropout probability after each purchase (BG/NBD). */
  lambda: number;
  dropout: number;
  alive: boolean;
  /** Mean spend per order (Gamma-Gamma). */
  meanSpend: number;
}

/** A request the storefront makes: a Segment call posted at `at`. */
export interface StorefrontPost {
  at: Date;
  path: '/v1/batch' | '/v1/identify' | '/v1/track';
  body: Record<string, unknown>;
}

/** How live orders are delivered, and how often a bad delivery becomes a call-center complaint. */
const DELIVERY = { late: 0.15, refused: 0.04, complaintIfBad: 0.6 } as const;
/**
 * The shop's back end during the live week, beside the storefront: complaints about other things
 * (a share of all customers, through every channel), a share of cases still open long after the
 * demo ends, and the periodic relationship survey a share of customers answer.
 */
const SERVICE = {
  otherComplaint: 0.03,
  /**
   * Customers who complained about an earlier order (a return, a wrong item) and then come back to
   * browse: the browse journey would greet them with an offer while the complaint is still open,
   * which settings.yaml complaints.pausePromotions refuses as open_complaint.
   */
  complaintBeforeVisit: 0.08,
  neverResolvedInDemo: 0.3,
  relationshipSurvey: 0.04,
} as const;
const COMPLAINT_CATEGORIES = ['billing', 'product', 'return'] as const;
const COMPLAINT_CHANNELS = ['call_center', 'email', 'store', 'web'] as const;
/** Relationship-survey scores by category odds (detractor, passive): a shop most customers like. */
const RELATIONSHIP_ODDS = { detractor: 0.18, passive: 0.32 } as const;

const CATEGORIES = ['shoes', 'bags', 'dresses', 'jackets', 'accessories', 'beauty'] as const;
const FIRST_NAMES = [
  'Ayşe',
  'Mehmet',
  'Zeynep',
  'Mustafa',
  'Elif',
  'Ahmet',
  'Emma',
  'Lukas',
  'Olivia',
  'Noah',
  'Şule',
  'Çağrı',
];
const ZONES = [
  { timezone: 'Europe/Istanbul', locale: 'tr-TR', weight: 0.6 },
  { timezone: 'Europe/Berlin', locale: 'de-DE', weight: 0.25 },
  { timezone: 'America/New_York', locale: 'en-US', weight: 0.15 },
] as const;

export class SyntheticShop {
  readonly random: SeededRandom;
  readonly products: Product[];
  readonly customers: SyntheticCustomer[];
  private anonymousCounter = 0;
  private messageCounter = 0;
  private orderCounter = 0;
  private complaintCounter = 0;
  /** Each customer's live deliveries, in order: what their survey answers depend on. */
  private readonly deliveries = new Map<string, { at: number; experience: DeliveryExperience }[]>();
  /** When each existing customer first visited in the live week (serviceTraffic() opens some complaints before it). */
  private readonly firstVisits = new Map<string, number>();
  /** The back end's server calls (complaints, survey answers), in no order: serviceTraffic() sorts them. */
  private readonly service: StorefrontPost[] = [];

  constructor(private readonly options: ShopOptions) {
    this.random = new SeededRandom(options.seed);
    this.products = Array.from({ length: 60 }, (_, index) => ({
      id: `sku-${String(index + 1).padStart(3, '0')}`,
      category: CATEGORIES[index % CATEGORIES.length] ?? 'shoes',
      price: roundMoney(this.random.gamma(3, 1 / 120), 2) + 50,
    }));
    this.customers = Array.from({ length: options.customers }, (_, index) => this.drawCustomer(index));
  }

  private drawCustomer(index: number): SyntheticCustomer {
    const number = String(index + 1).padStart(6, '0');
    const zoneDraw = this.random.next();
    const zone = zoneDraw < 0.6 ? ZONES[0] : zoneDraw < 0.85 ? ZONES[1] : ZONES[2];
    const hasApp = this.random.chance(0.35);
    return {
      userId: `cust-${number}`,
      firstName: this.random.pick(FIRST_NAMES),
      email: `customer${number}@example.test`,
      // Valid numbering plans (a Turkish mobile has 10 national digits, a German 0151 one 11).
      phone:
        zone.locale === 'tr-TR'
          ? `+90 532 1${number.slice(0, 2)} ${number.slice(2, 4)} ${number.slice(4)}`
          : `+49 151 ${number}00`,
      timezone: zone.timezone,
      locale: zone.locale,
      consent: {
        email: this.random.chance(0.8),
        sms: this.random.chance(0.45),
        push: hasApp && this.random.chance(0.7),
        call: uniform(`call-consent:${this.options.seed}:${number}`) < CALL_CONSENT_RATE,
      },
      ...(hasApp
        ? {
            device: {
              token: `device-${number}`,
              type: this.random.chance(0.5) ? ('ios' as const) : ('android' as const),
            },
          }
        : {}),
      // BG/NBD heterogeneity: λ ~ Gamma(r = 0.9, α = 10 weeks), p ~ Beta(a = 1, b = 3).
      lambda: this.random.gamma(0.9, 10),
      dropout: this.random.beta(1, 3),
      alive: true,
      // Gamma-Gamma: spend ~ Gamma(p = 6, ν), ν ~ Gamma(q = 4, γ = 200): mean ≈ 400.
      meanSpend: 6 / this.random.gamma(4, 200),
    };
  }

  /** Order history before `liveStart`: 75% of customers bought at least once. */
  history(): HistoricalOrder[] {
    const end = this.options.liveStart.getTime();
    const start = end - (this.options.historyMonths ?? 18) * 30.44 * DAY_MS;
    const orders: HistoricalOrder[] = [];
    for (const customer of this.customers) {
      if (!this.random.chance(0.75)) continue;
      // First purchases spread over the first 17 months, so everyone has a calibration span.
      let at = start + this.random.next() * (end - start - 30 * DAY_MS);
      while (at < end && customer.alive) {
        orders.push(this.historicalOrder(customer, at));
        if (this.random.chance(customer.dropout)) customer.alive = false;
        at += this.random.exponential(customer.lambda) * WEEK_MS;
      }
    }
    return orders;
  }

  private historicalOrder(customer: SyntheticCustomer, at: number): HistoricalOrder {
    const lines = this.orderLines(customer);
    return {
      customerId: customer.userId,
      timestamp: new Date(at).toISOString(),
      amount: roundMoney(
        lines.reduce((sum, line) => sum + line.price * line.quantity, 0),
        2,
      ),
      orderId: `ord-${++this.orderCounter}`,
      products: lines,
    };
  }

  private orderLines(
    customer: SyntheticCustomer,
  ): { productId: string; category: string; quantity: number; price: number }[] {
    const spend = this.random.gamma(6, 6 / customer.meanSpend);
    const count = this.random.int(1, 3);
    return Array.from({ length: count }, () => {
      const product = this.random.pick(this.products);
      return {
        productId: product.id,
        category: product.category,
        quantity: 1,
        price: roundMoney(Math.max(1, spend / count), 2),
      };
    });
  }

  /**
   * The live traffic, in posting order: day 0 starts with the shop's CRM sync (identify for every
   * customer with history), then sessions day by day.
   */
  *traffic(): Generator<StorefrontPost> {
    const start = this.options.liveStart.getTime();
    const sync = this.customers.filter((customer) => customer.alive || this.random.chance(0.5));
    for (let offset = 0; offset < sync.length; offset += 100) {
      yield {
        at: new Date(start + offset),
        path: '/v1/batch',
        body: { batch: sync.slice(offset, offset + 100).map((customer) => this.identify(customer, new Date(start))) },
      };
    }
    for (let day = 0; day < this.options.days; day++) {
      const sessions: StorefrontPost[] = [];
      // A snapshot: customers who sign up today start visiting tomorrow.
      for (const customer of [...this.customers]) {
        // Sized so the default demo (5,000 customers, a week) stays near 12k events: under two minutes.
        const visitProbability = customer.alive ? Math.min(0.35, 0.025 + customer.lambda * 0.35) : 0.01;
        if (this.random.chance(visitProbability)) sessions.push(...this.session(customer, start + day * DAY_MS));
      }
      const newVisitors = Math.round(this.options.customers * 0.02);
      for (let visitor = 0; visitor < newVisitors; visitor++)
        sessions.push(...this.session(undefined, start + day * DAY_MS));
      sessions.sort((a, b) => a.at.getTime() - b.at.getTime());
      yield* sessions;
    }
  }

  private identify(customer: SyntheticCustomer, at: Date, anonymousId?: string): Record<string, unknown> {
    return {
      type: 'identify',
      messageId: this.messageId(),
      userId: customer.userId,
      ...(anonymousId ? { anonymousId } : {}),
      timestamp: at.toISOString(),
      traits: {
        email: customer.email,
        phone: customer.phone,
        firstName: customer.firstName,
        consent: { ...customer.consent, timestamp: at.toISOString() },
      },
      context: {
        timezone: customer.timezone,
        locale: customer.locale,
        ...(customer.device ? { device: customer.device } : {}),
      },
    };
  }

  /** One visit: browse (often anonymous first), maybe cart, checkout, order; sent as one batch. */
  private session(known: SyntheticCustomer | undefined, dayStart: number): StorefrontPost[] {
    const random = this.random;
    let at = dayStart + (8 + random.next() * 14) * 3_600_000;
    if (known && !this.firstVisits.has(known.userId)) this.firstVisits.set(known.userId, at);
    const anonymousId = `anon-${++this.anonymousCounter}`;
    const signsUp = !known && random.chance(0.3);
    const customer = known ?? (signsUp ? this.newCustomer() : undefined);
    const loginAfter = customer ? (random.chance(0.4) ? random.int(1, 3) : 0) : Number.POSITIVE_INFINITY;
    const calls: Record<string, unknown>[] = [];
    const identity = (step: number): Record<string, unknown> =>
      customer && step >= loginAfter ? { userId: customer.userId, anonymousId } : { anonymousId };
    const tick = (): string => {
      at += random.int(20, 300) * 1000;
      return new Date(at).toISOString();
    };

    const views = random.int(1, 5);
    const viewed: Product[] = [];
    for (let step = 0; step < views; step++) {
      if (customer && step === loginAfter) calls.push(this.identify(customer, new Date(at), anonymousId));
      const product = random.pick(this.products);
      viewed.push(product);
      calls.push(this.track('Product Viewed', identity(step), tick(), productProperties(product)));
      if (random.chance(0.15))
        calls.push({
          type: 'page',
          messageId: this.messageId(),
          ...identity(step),
          name: product.category,
          timestamp: tick(),
          properties: {},
        });
    }
    if (customer && loginAfter >= views && loginAfter !== Number.POSITIVE_INFINITY) {
      calls.push(this.identify(customer, new Date(at), anonymousId));
    }
    const buyer = identity(views);
    if (viewed.length > 0 && random.chance(0.35)) {
      const carted = viewed.slice(0, random.int(1, Math.min(2, viewed.length)));
      for (const product of carted)
        calls.push(this.track('Product Added', buyer, tick(), { ...productProperties(product), quantity: 1 }));
      const cartProducts = carted.map((product) => ({ ...productProperties(product), quantity: 1 }));
      if (random.chance(0.5)) calls.push(this.track('Cart Viewed', buyer, tick(), { products: cartProducts }));
      if (customer && random.chance(0.55)) {
        calls.push(this.track('Checkout Started', buyer, tick(), { products: cartProducts }));
        if (random.chance(0.7)) {
          const revenue = roundMoney(
            carted.reduce((sum, product) => sum + product.price, 0),
            2,
          );
          const orderId = `web-${++this.orderCounter}`;
          calls.push(
            this.track('Order Completed', buyer, tick(), {
              order_id: orderId,
              revenue,
              currency: 'TRY',
              products: cartProducts,
            }),
          );
          if (random.chance(0.04))
            calls.push(this.track('Order Refunded', buyer, tick(), { order_id: orderId, revenue }));
          this.deliver(customer, orderId, at);
        }
      }
    }
    if (random.chance(0.01)) {
      // A broken client: the field names are what the report shows.
      calls.push(
        this.track('Order Completed', buyer, tick(), { order_id: `bad-${this.orderCounter}`, revenue: 'forty two' }),
      );
    }
    const posts: StorefrontPost[] = [{ at: new Date(at + 1000), path: '/v1/batch', body: { batch: calls } }];
    // Client retries after a timeout: the same batch again, which must change nothing.
    if (random.chance(0.02)) posts.push({ at: new Date(at + 31_000), path: '/v1/batch', body: { batch: calls } });
    return posts;
  }

  /**
   * How the customer's last delivery before `at` went (`on_time` when none in the live week).
   * Drawn from hashes of the seed and order id, not the shop's generator, so the traffic is the
   * same as without complaints and surveys.
   */
  deliveryExperience(customerId: string, at: number): DeliveryExperience {
    const before = (this.deliveries.get(customerId) ?? []).filter((delivery) => delivery.at <= at);
    return before.at(-1)?.experience ?? 'on_time';
  }

  /** A live order's delivery, two days later (five when late): late or refused ones often end in a complaint. */
  private deliver(customer: SyntheticCustomer, orderId: string, orderedAt: number): void {
    const draw = (purpose: string) => uniform(`${this.options.seed}:${orderId}:${purpose}`);
    const u = draw('delivery');
    const experience: DeliveryExperience =
      u < DELIVERY.late ? 'late' : u < DELIVERY.late + DELIVERY.refused ? 'refused' : 'on_time';
    const deliveredAt = orderedAt + (experience === 'late' ? 5 : 2) * DAY_MS;
    const list = this.deliveries.get(customer.userId) ?? [];
    list.push({ at: deliveredAt, experience });
    this.deliveries.set(customer.userId, list);
    // Complaints about anything else come from serviceTraffic().
    if (experience !== 'on_time' && draw('complaint') < DELIVERY.complaintIfBad)
      this.complaint(customer.userId, orderedAt + (3 + draw('open-delay') * 48) * 3_600_000, 'delivery', 'call_center');
  }

  /**
   * What the shop's back end posts during the live week with its server key, in time order:
   * complaints (after bad deliveries, and about other things) and their resolutions, and the
   * answers to the periodic relationship survey. Call after traffic(): deliveries come from it.
   * Drawn from hashes of the seed, never from the storefront's generator.
   */
  serviceTraffic(): StorefrontPost[] {
    const start = this.options.liveStart.getTime();
    const span = this.options.days * DAY_MS;
    for (const customer of this.customers.slice(0, this.options.customers)) {
      const draw = (purpose: string) => uniform(`${this.options.seed}:${customer.userId}:${purpose}`);
      if (draw('complaint') < SERVICE.otherComplaint) {
        const category = COMPLAINT_CATEGORIES[Math.floor(draw('category') * COMPLAINT_CATEGORIES.length)] ?? 'product';
        const channel = COMPLAINT_CHANNELS[Math.floor(draw('channel') * COMPLAINT_CHANNELS.length)] ?? 'web';
        this.complaint(customer.userId, start + draw('complaint-at') * span, category, channel);
      }
      if (draw('relationship') < SERVICE.relationshipSurvey) {
        const at = start + draw('relationship-at') * span;
        const bad = this.deliveryExperience(customer.userId, at) !== 'on_time';
        const u = draw('relationship-score');
        const odds = bad ? { detractor: 0.65, passive: 0.2 } : RELATIONSHIP_ODDS;
        const [low, high] = u < odds.detractor ? [0, 6] : u < odds.detractor + odds.passive ? [7, 8] : [9, 10];
        const score = low + Math.floor(draw('relationship-point') * (high - low + 1));
        const comments = DEMO_COMMENTS[score <= 6 ? 'detractor' : score <= 8 ? 'passive' : 'promoter'];
        const comment =
          draw('relationship-comment') < 0.3 ? comments[Math.floor(draw('comment-text') * comments.length)] : undefined;
        this.service.push(
          this.servicePost(at, `rel-${this.options.seed}-${customer.userId}`, customer.userId, 'Survey Answered', {
            survey_id: 'relationship',
            score,
            ...(comment !== undefined ? { comment } : {}),
          }),
        );
      }
    }
    for (const customer of this.customers.slice(0, this.options.customers)) {
      const visit = this.firstVisits.get(customer.userId);
      const draw = (purpose: string) => uniform(`${this.options.seed}:${customer.userId}:${purpose}`);
      if (visit === undefined || draw('complaint-before-visit') >= SERVICE.complaintBeforeVisit) continue;
      const category = draw('visit-complaint-category') < 0.6 ? 'return' : 'product';
      const channel = COMPLAINT_CHANNELS[Math.floor(draw('visit-complaint-channel') * COMPLAINT_CHANNELS.length)];
      const openedAt = Math.max(start, visit - (1 + draw('visit-complaint-at') * 23) * 3_600_000);
      this.complaint(customer.userId, openedAt, category, channel ?? 'web');
    }
    return [...this.service].sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  /** A complaint and, unless it is one of the long cases, its resolution 6 h to 4 days later. */
  private complaint(userId: string, openedAt: number, category: string, channel: string): void {
    const complaintId = `cmp-${this.options.seed}-${++this.complaintCounter}`;
    const draw = (purpose: string) => uniform(`${complaintId}:${purpose}`);
    const properties = { complaint_id: complaintId, category, channel };
    this.service.push(this.servicePost(openedAt, `${complaintId}-opened`, userId, 'Complaint Opened', properties));
    if (draw('long') < SERVICE.neverResolvedInDemo) return;
    const resolvedAt = openedAt + (6 + draw('resolve-delay') * 90) * 3_600_000;
    this.service.push(
      this.servicePost(resolvedAt, `${complaintId}-resolved`, userId, 'Complaint Resolved', properties),
    );
  }

  /** Its own message ids: the storefront's (msg-<seed>-<n>) stay what they were. */
  private servicePost(
    at: number,
    messageId: string,
    userId: string,
    event: string,
    properties: Record<string, unknown>,
  ): StorefrontPost {
    return {
      at: new Date(at),
      path: '/v1/track',
      body: { type: 'track', messageId, userId, event, timestamp: new Date(at).toISOString(), properties },
    };
  }

  private newCustomer(): SyntheticCustomer {
    const customer = this.drawCustomer(this.customers.length);
    customer.userId = `new-${customer.userId}`;
    this.customers.push(customer);
    return customer;
  }

  private track(
    event: string,
    identity: Record<string, unknown>,
    timestamp: string,
    properties: Record<string, unknown>,
  ) {
    return { type: 'track', messageId: this.messageId(), ...identity, event, timestamp, properties };
  }

  private messageId(): string {
    return `msg-${this.options.seed}-${++this.messageCounter}`;
  }
}

function productProperties(product: Product): Record<string, unknown> {
  return { product_id: product.id, category: product.category, price: product.price };
}
