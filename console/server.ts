/**
 * `sadakat console`'s web server (Hono on Node's http): loopback only, every request checked
 * before anything is read —
 *
 * 1. its `Host` must be this loopback address and port (a DNS-rebinding page arrives under its
 *    own host name and is refused);
 * 2. it must carry the token printed at start: `?token=` once, which sets an HttpOnly,
 *    SameSite=Strict cookie and redirects to the same page without it (so the token leaves the
 *    address bar and history), the cookie afterwards.
 *
 * Pages are rendered on the server; the only scripts are htmx and its SSE extension, served from
 * the package (no CDN: the console works offline). While serve writes to the folder, the overview
 * and the customer page reload themselves when `/events` says the data changed.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { campaignReport } from '../cli/commands/report.js';
import type { ConsoleMessage } from '../shared/aws/dynamo-console-source.js';
import type { StoredReport } from '../shared/aws/s3-console-snapshot.js';
import type { Clock } from '../shared/ports.js';
import type { CampaignState } from './campaign-state.js';
import { formatsFor } from './format.js';
import { type Html, html } from './html.js';
import { type PageContext, page } from './layout.js';
import { type ConsoleSource, EmptyFolderError } from './local-source.js';
import { renderMessage } from './message-render.js';
import { customerBody, customerSearchBody } from './pages/customers.js';
import { experimentCountersBody, experimentsBody } from './pages/experiments.js';
import { journeyBody, journeysBody } from './pages/journeys.js';
import { messageBody, messagesBody } from './pages/messages.js';
import { overviewBody, snapshotNotes } from './pages/overview.js';
import { problemsBody } from './pages/problems.js';
import { segmentBody, segmentsBody } from './pages/segments.js';
import { UnavailableInTableMode } from './table-source.js';

export const LOOPBACK = '127.0.0.1';

export interface ConsoleOptions {
  port: number;
  source: ConsoleSource;
  campaign: CampaignState;
  clock: Clock;
  /** Fixed in tests; random (32 bytes) otherwise. */
  token?: string;
}

export interface RunningConsole {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const PAGE_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'; object-src 'none'";
/** A rendered email: its own inline styles and data: images, nothing else; no scripts even in the sandbox. */
const EMAIL_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox";
/** At most one `changed` event per second, however often serve writes. */
const CHANGE_EVENT_EVERY_MS = 1_000;

export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const assets = await loadAssets();
  let port = options.port;
  const app = consoleApp({ ...options, token, assets, currentPort: () => port });
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: options.port, hostname: LOOPBACK }, () => resolve(started));
    started.once('error', reject);
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${LOOPBACK}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        // SSE streams stay open: close them with the server.
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Assets {
  css: string;
  htmx: string;
  sse: string;
}

async function loadAssets(): Promise<Assets> {
  const require = createRequire(import.meta.url);
  const [css, htmx, sse] = await Promise.all([
    readFile(new URL('./console.css', import.meta.url), 'utf8'),
    readFile(require.resolve('htmx.org/dist/htmx.min.js'), 'utf8'),
    readFile(require.resolve('htmx-ext-sse/dist/sse.js'), 'utf8'),
  ]);
  return { css, htmx, sse };
}

function consoleApp(options: ConsoleOptions & { token: string; assets: Assets; currentPort: () => number }): Hono {
  const { source, campaign, clock, token, assets } = options;
  const cookieName = () => `sadakat_console_${options.currentPort()}`;
  const app = new Hono();

  app.use('*', async (c, next) => {
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'no-store');
    c.header('Content-Security-Policy', PAGE_POLICY);
    const host = c.req.header('host') ?? '';
    const port = options.currentPort();
    if (host !== `${LOOPBACK}:${port}` && host !== `localhost:${port}`)
      return c.text(`refused: Host ${JSON.stringify(host)} is not this console's loopback address\n`, 403);
    const given = c.req.query('token');
    if (given !== undefined) {
      if (!sameSecret(given, token)) return c.text('refused: wrong token\n', 401);
      setCookie(c, cookieName(), token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      const url = new URL(c.req.url);
      url.searchParams.delete('token');
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    const cookie = getCookie(c, cookieName());
    if (cookie === undefined || !sameSecret(cookie, token))
      return c.text('refused: open the address sadakat console printed (it carries the token)\n', 401);
    await next();
  });

  app.get('/assets/console.css', (c) => c.body(assets.css, 200, { 'Content-Type': 'text/css; charset=utf-8' }));
  app.get('/assets/htmx.min.js', (c) => c.body(assets.htmx, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));
  app.get('/assets/sse.js', (c) => c.body(assets.sse, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }));

  const contextOf = async (c: Context): Promise<PageContext> => {
    const settings = campaign.settings;
    return {
      campaign: campaign.snapshot,
      formats: formatsFor(settings.locale, settings.defaultTimezone, settings.currency),
      source: await source.status(),
      path: c.req.path,
    };
  };
  const render = async (
    c: Context,
    title: string,
    body: (context: PageContext) => Promise<Html> | Html,
    options: { asOf?: string; live?: boolean; status?: 200 | 404 } = {},
  ) => {
    const context = await contextOf(c);
    let content: Html;
    let status: 200 | 404 | 500 = options.status ?? 200;
    try {
      content = await body(context);
    } catch (error) {
      if (error instanceof NotFound) {
        status = 404;
        content = html`<p class="warning">${error.message}</p>`;
      } else if (error instanceof EmptyFolderError || error instanceof UnavailableInTableMode) {
        content = html`<p class="warning">${error.message}</p>`;
      } else {
        status = 500;
        content = html`<p class="warning">This page could not be read: ${error instanceof Error ? error.message : String(error)}</p>`;
      }
    }
    const liveBody =
      options.live && context.source.live
        ? html`<div hx-ext="sse" sse-connect="/events"><div id="live" hx-get="${c.req.path}" hx-trigger="sse:changed" hx-select="#live" hx-swap="outerHTML">${content}</div></div>`
        : content;
    return c.html(page(context, title, liveBody, options.asOf ? { asOf: options.asOf } : {}), status);
  };
  const loaded = () => {
    const current = campaign.snapshot.loaded;
    if (!current) throw new NotFound('The campaign has problems and has not loaded yet: see Problems.');
    return current;
  };

  app.get('/', async (c) => {
    const snapshot = await source.snapshot().catch((error: unknown) => error);
    return render(
      c,
      'Overview',
      (context) => {
        if (snapshot instanceof Error) throw snapshot;
        return overviewBody(context, snapshot as Awaited<ReturnType<ConsoleSource['snapshot']>>);
      },
      { live: true, ...(snapshot instanceof Error ? {} : { asOf: (snapshot as { asOf: string }).asOf }) },
    );
  });

  app.get('/customers', async (c) => {
    const query = (c.req.query('q') ?? '').trim();
    if (query) {
      const byId = await source.customer(query).catch(() => undefined);
      if (byId?.profile) return c.redirect(`/customers/${encodeURIComponent(query)}`, 303);
      const snapshot = await source.snapshot().catch(() => undefined);
      const byEmail = snapshot?.emails.get(query.toLowerCase());
      if (byEmail) return c.redirect(`/customers/${encodeURIComponent(byEmail)}`, 303);
    }
    const recent: ConsoleMessage[] = query ? [] : ((await source.snapshot().catch(() => undefined))?.messages ?? []);
    return render(c, 'Customers', () => customerSearchBody(query, query !== '', recent), {
      status: query ? 404 : 200,
    });
  });

  app.get('/customers/:id', async (c) => {
    const id = c.req.param('id');
    return render(
      c,
      `Customer ${id}`,
      async (context) => {
        const items = await source.customer(id);
        if (!items.profile) throw new NotFound(`No customer ${id} in this data folder.`);
        return customerBody(context, id, items, clock.now());
      },
      { live: true, asOf: clock.now().toISOString() },
    );
  });

  app.get('/segments', (c) =>
    render(c, 'Segments', async (context) => segmentsBody(context, loaded(), await source.snapshot())),
  );
  app.get('/segments/:id', async (c) => {
    const id = c.req.param('id');
    const customer = c.req.query('customer')?.trim();
    return render(c, `Segment ${id}`, async (context) => {
      const current = loaded();
      if (!current.segments.byId.has(id)) throw new NotFound(`No segment ${id} in segments.yaml.`);
      const test = customer ? { customerId: customer, profile: (await source.customer(customer)).profile } : undefined;
      const [snapshot, sample] = await Promise.all([source.snapshot(), source.segmentSample(id)]);
      return segmentBody(context, current, id, snapshot, sample, test);
    });
  });

  app.get('/journeys', (c) =>
    render(c, 'Journeys', async (context) => {
      const snapshot = await source.snapshot();
      return html`${snapshotNotes(snapshot)}${journeysBody(context, loaded().journeys, snapshot.journeys, snapshot.counted)}`;
    }),
  );
  app.get('/journeys/:id', async (c) => {
    const id = c.req.param('id');
    return render(c, `Journey ${id}`, async (context) => {
      const journey = loaded().journeys.find((candidate) => candidate.id === id);
      if (!journey) throw new NotFound(`No journey ${id} in the campaign.`);
      const snapshot = await source.snapshot();
      return html`${snapshotNotes(snapshot)}${journeyBody(context, journey, snapshot.journeys[id], snapshot.counted)}`;
    });
  });

  app.get('/messages', (c) =>
    render(c, 'Messages', async (context) => {
      const customer = (c.req.query('customer') ?? '').trim();
      const [snapshot, one, across] = await Promise.all([
        source.snapshot(),
        customer ? source.customer(customer) : Promise.resolve(undefined),
        customer ? Promise.resolve(undefined) : source.acrossCustomers(),
      ]);
      return html`${snapshotNotes(snapshot)}${messagesBody(
        context,
        one?.messages ?? across?.messages ?? [],
        one?.decisions ?? across?.unsent ?? [],
        {
          journey: c.req.query('journey') ?? '',
          channel: c.req.query('channel') ?? '',
          status: c.req.query('status') ?? '',
          customer,
        },
        snapshot.decisions,
        across?.note,
      )}`;
    }),
  );
  const findMessage = async (customerId: string, messageId: string) => {
    const items = await source.customer(customerId);
    const message = items.messages.find((candidate) => candidate.messageId === messageId);
    if (!message) throw new NotFound(`No message ${messageId} for customer ${customerId}.`);
    return { message, profile: items.profile };
  };
  app.get('/messages/:customer/:message', (c) =>
    render(c, 'Message', async (context) => {
      const { message, profile } = await findMessage(c.req.param('customer'), c.req.param('message'));
      const preview = await renderMessage(campaign.snapshot.loaded, message, profile);
      return messageBody(context, message, preview, c.req.query('view') === 'text' ? 'text' : 'html');
    }),
  );
  app.get('/messages/:customer/:message/email.html', async (c) => {
    const found = await findMessage(c.req.param('customer'), c.req.param('message')).catch(() => undefined);
    const preview = found ? await renderMessage(campaign.snapshot.loaded, found.message, found.profile) : undefined;
    c.header('Content-Security-Policy', EMAIL_POLICY);
    if (!preview?.ok || preview.result.content.channel !== 'email') return c.text('no email preview\n', 404);
    return c.html(preview.result.content.html);
  });

  app.get('/experiments', async (c) => {
    // --table --bucket: the report a person computed with `sadakat report --table` (decision 224), as of its own time.
    const stored = await source.storedReport?.().catch((error: unknown) => error);
    if (stored instanceof Error || stored !== undefined)
      return render(
        c,
        'Experiments',
        async (context) => {
          if (stored instanceof Error) throw stored;
          const found = stored as StoredReport;
          return experimentsBody(
            found.report,
            html`As of ${context.formats.dateTime(found.report.asOf)}, from <code>sadakat report --table</code> run by a person (stored ${context.formats.dateTime(found.writtenAt)}); run it again for newer numbers. The console itself never scans the table.`,
          );
        },
        stored instanceof Error ? {} : { asOf: (stored as StoredReport).report.asOf },
      );
    const asOf = clock.now().toISOString();
    return render(
      c,
      'Experiments',
      async (context) => {
        const current = loaded();
        const data = await source
          .reportData()
          .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
        if (!(data instanceof Error))
          return experimentsBody(campaignReport(current.journeys, current.settings, data, asOf));
        if (!(data instanceof UnavailableInTableMode)) throw data;
        // A deployed table: the report's message counters per variant, and why not the rest (decision 223).
        const snapshot = await source.snapshot();
        return experimentCountersBody(context, current.journeys, snapshot.decisionsByVariant ?? {}, data.message);
      },
      { asOf },
    );
  });

  app.get('/problems', (c) => render(c, 'Problems', (context) => problemsBody(context)));

  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      let last = 0;
      let pending: NodeJS.Timeout | undefined;
      const changed = () => {
        if (pending) return;
        const wait = Math.max(0, last + CHANGE_EVENT_EVERY_MS - Date.now());
        pending = setTimeout(() => {
          pending = undefined;
          last = Date.now();
          void stream.writeSSE({ event: 'changed', data: last.toString() });
        }, wait);
      };
      const stopData = source.onChange(changed);
      const stopCampaign = campaign.onChange(changed);
      stream.onAbort(() => {
        stopData();
        stopCampaign();
        if (pending) clearTimeout(pending);
      });
      while (!stream.aborted) {
        await stream.writeSSE({ event: 'ping', data: '' });
        await stream.sleep(15_000);
      }
    }),
  );

  app.notFound((c) => render(c, 'Not found', () => html`<p class="warning">No such page.</p>`, { status: 404 }));
  return app;
}

class NotFound extends Error {}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
