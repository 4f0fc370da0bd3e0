/** CORS and analytics.js settings on ingest (issue 17): only a browser key's own origins may use it from a page. */
import { describe, expect, it } from 'vitest';
import { handleIngestRequest } from '../../../shared/events/ingest.js';
import { BROWSER_KEY, fakeDeps, post, SHOP_ORIGIN, track, WRITE_KEY } from './in-memory-ports.js';

const fromPage = (origin: string) => ({ headers: { 'content-type': 'text/plain', origin } });
const request = (method: string, path: string, headers: Record<string, string> = {}) => ({
  method,
  path,
  headers: { host: 'events.shop.example', ...headers },
  body: '',
  isBase64Encoded: false,
});

describe('CORS', () => {
  it('lets a listed origin read the answer to a browser-key call', async () => {
    // Act
    const response = await handleIngestRequest(
      fakeDeps().deps,
      post('/v1/t', { ...track(), writeKey: BROWSER_KEY }, fromPage(SHOP_ORIGIN)),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ 'access-control-allow-origin': SHOP_ORIGIN, vary: 'Origin' });
  });

  it('refuses a browser-key call from a page of an unlisted origin, queuing nothing', async () => {
    // Prepare
    const { deps, queue } = fakeDeps();

    // Act
    const response = await handleIngestRequest(
      deps,
      post('/v1/t', { ...track(), writeKey: BROWSER_KEY }, fromPage('https://evil.example')),
    );

    // Assess
    expect(response.statusCode).toBe(403);
    expect(response.headers).toBeUndefined();
    expect(queue.messages).toEqual([]);
  });

  it('gives a server key no CORS headers, whatever the origin', async () => {
    // Act
    const response = await handleIngestRequest(
      fakeDeps().deps,
      post('/v1/t', { ...track(), writeKey: WRITE_KEY }, fromPage(SHOP_ORIGIN)),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers).toBeUndefined();
  });

  it('answers a preflight from a listed origin, and one from an unlisted origin without allowing it', async () => {
    // Act
    const listed = await handleIngestRequest(fakeDeps().deps, request('OPTIONS', '/v1/batch', { origin: SHOP_ORIGIN }));
    const unlisted = await handleIngestRequest(
      fakeDeps().deps,
      request('OPTIONS', '/v1/batch', { origin: 'https://evil.example' }),
    );

    // Assess
    expect(listed.statusCode).toBe(204);
    expect(listed.headers).toMatchObject({
      'access-control-allow-origin': SHOP_ORIGIN,
      'access-control-allow-methods': 'GET, POST, OPTIONS',
    });
    expect(unlisted.statusCode).toBe(204);
    expect(unlisted.headers).not.toHaveProperty('access-control-allow-origin');
  });
});

describe('analytics.js settings', () => {
  it('point the Segment.io integration at this host for a browser key', async () => {
    // Act
    const response = await handleIngestRequest(
      fakeDeps().deps,
      request('GET', `/v1/projects/${BROWSER_KEY}/settings`, { origin: SHOP_ORIGIN }),
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      integrations: { 'Segment.io': { apiKey: BROWSER_KEY, apiHost: 'events.shop.example/v1', protocol: 'https' } },
    });
    expect(response.headers).toMatchObject({ 'access-control-allow-origin': SHOP_ORIGIN });
  });

  it('name the public host behind CloudFront, never the API host the request arrived at', async () => {
    // Act
    const response = await handleIngestRequest(
      { ...fakeDeps().deps, publicHost: 'd111111abcdef8.cloudfront.net' },
      request('GET', `/v1/projects/${BROWSER_KEY}/settings`, {
        origin: SHOP_ORIGIN,
        host: 'abc123defg.execute-api.eu-central-1.amazonaws.com',
      }),
    );

    // Assess
    expect(response.body).toMatchObject({
      integrations: { 'Segment.io': { apiHost: 'd111111abcdef8.cloudfront.net/v1' } },
    });
  });

  it('are not served for a server key or an unknown key', async () => {
    // Act
    const server = await handleIngestRequest(fakeDeps().deps, request('GET', `/v1/projects/${WRITE_KEY}/settings`));
    const unknown = await handleIngestRequest(fakeDeps().deps, request('GET', '/v1/projects/guessed/settings'));

    // Assess
    expect([server.statusCode, unknown.statusCode]).toEqual([404, 404]);
  });
});
