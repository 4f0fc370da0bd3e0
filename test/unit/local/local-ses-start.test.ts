/**
 * A local SES endpoint that cannot be cleared at start (loopback down, a proxy answering) must not
 * leave its HTTP server listening: the process would hang after the error instead of exiting.
 */
import { Server } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLocalSes } from '../../../shared/local/local-ses-server.js';

describe('starting the local SES endpoint', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('closes its server when the first clear fails, and reports the failure', async () => {
    // Prepare
    vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('fetch failed'));
    const close = vi.spyOn(Server.prototype, 'close');

    // Act
    const started = startLocalSes();

    // Assess
    await expect(started).rejects.toThrow('fetch failed');
    expect(close).toHaveBeenCalledTimes(1);
    const [server] = close.mock.contexts as Server[];
    expect(server?.listening).toBe(false);
  });
});
