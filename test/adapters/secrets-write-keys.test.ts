import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { identitySecretFrom, writeKeysFrom } from '../../shared/aws/ingest-deps.js';
import { SecretsManagerWriteKeys, WriteKeySecretError } from '../../shared/aws/secrets-write-keys.js';
import { StaticWriteKeys } from '../../shared/events/write-key.js';
import type { Clock } from '../../shared/ports.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:WriteKeys-AbCdEf';
const SERVER_KEY = 'srv_0123456789abcdef0123';
const BROWSER_KEY = 'brw_0123456789abcdef0123';
const ENTRIES = JSON.stringify([
  { id: 'shop-backend', key: SERVER_KEY, scope: 'server' },
  { id: 'shop-web', key: BROWSER_KEY, scope: 'browser', origins: ['https://shop.example'] },
]);
const secrets = mockClient(SecretsManagerClient);

/** A clock the test moves by hand. */
class ManualClock implements Clock {
  private at = Date.parse('2026-12-07T10:00:00Z');
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

const verifier = (clock: Clock = new ManualClock(), onLegacyFormat?: () => void) =>
  new SecretsManagerWriteKeys(new SecretsManagerClient({ region: 'eu-central-1' }), SECRET_ARN, {
    clock,
    ...(onLegacyFormat ? { onLegacyFormat } : {}),
  });

beforeEach(() => {
  secrets.reset();
});

describe('SecretsManagerWriteKeys', () => {
  it('knows each entry by its id and scope, never returning the key', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: ENTRIES });
    const keys = verifier();

    // Act
    const results = [await keys.verify(SERVER_KEY), await keys.verify(BROWSER_KEY)];

    // Assess
    expect(results).toEqual([
      { id: 'shop-backend', scope: 'server', origins: [] },
      { id: 'shop-web', scope: 'browser', origins: ['https://shop.example'] },
    ]);
    expect(await keys.browserOrigins()).toEqual(new Set(['https://shop.example']));
  });

  it('refuses a key that is not in the secret', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: ENTRIES });

    // Act
    const known = await verifier().verify('guessed-key');

    // Assess
    expect(known).toBeUndefined();
  });

  it('reads the old comma-separated secret as server keys and says so', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'old-key, new-key' });
    let warned = 0;
    const keys = verifier(new ManualClock(), () => warned++);

    // Act
    const results = [await keys.verify('old-key'), await keys.verify('new-key')];

    // Assess
    expect(results.map((key) => key?.scope)).toEqual(['server', 'server']);
    expect(warned).toBe(1);
  });

  it('reads the secret once for concurrent requests within the cache time', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: ENTRIES });
    const keys = verifier();

    // Act
    await Promise.all([keys.verify(SERVER_KEY), keys.verify('other')]);
    await keys.verify(SERVER_KEY);

    // Assess
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SECRET_ARN });
  });

  it('stops accepting a removed key within 5 minutes', async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: ENTRIES })
      .resolves({ SecretString: JSON.stringify([{ id: 'shop-backend', key: SERVER_KEY, scope: 'server' }]) });
    const clock = new ManualClock();
    const keys = verifier(clock);
    expect(await keys.verify(BROWSER_KEY)).toBeDefined();

    // Act
    clock.advance(5 * 60 * 1000);
    const revoked = await keys.verify(BROWSER_KEY);

    // Assess
    expect(revoked).toBeUndefined();
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('tries the secret again on the next request after a failed read', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).rejectsOnce(new Error('throttled')).resolves({ SecretString: ENTRIES });
    const keys = verifier();
    await expect(keys.verify(SERVER_KEY)).rejects.toThrow('throttled');

    // Act
    const known = await keys.verify(SERVER_KEY);

    // Assess
    expect(known?.id).toBe('shop-backend');
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('names the secret and the entry, not a key, when an entry is wrong', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify([{ id: 'web', key: BROWSER_KEY, scope: 'public' }]),
    });

    // Act
    const result = verifier().verify('anything');

    // Assess
    await expect(result).rejects.toThrow(WriteKeySecretError);
    await expect(result).rejects.toThrow(`secret ${SECRET_ARN} entry 1 field scope must be server or browser`);
    await expect(result).rejects.not.toThrow(BROWSER_KEY);
  });

  it('refuses a secret that holds no key', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: ' , ' });

    // Act
    const result = verifier().verify('anything');

    // Assess
    await expect(result).rejects.toThrow(`secret ${SECRET_ARN} holds no write key`);
  });

  it('refuses a binary secret, naming it', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });

    // Act
    const result = verifier().verify('anything');

    // Assess
    await expect(result).rejects.toThrow(`secret ${SECRET_ARN} has no string value`);
  });
});

describe('writeKeysFrom', () => {
  it('uses the secret when the stack set its ARN, even if WRITE_KEYS is also set', () => {
    // Act
    const keys = writeKeysFrom({ WRITE_KEYS_SECRET_ARN: SECRET_ARN, WRITE_KEYS: 'local-key' });

    // Assess
    expect(keys).toBeInstanceOf(SecretsManagerWriteKeys);
  });

  it('uses WRITE_KEYS, as server keys, for local runs without a secret', async () => {
    // Act
    const keys = writeKeysFrom({ WRITE_KEYS: 'local-a,local-b' });

    // Assess
    expect(keys).toBeInstanceOf(StaticWriteKeys);
    expect(await keys.verify('local-b')).toEqual({ id: 'server-2', scope: 'server', origins: [] });
  });

  it('names both variables when neither is set', () => {
    // Act
    const build = () => writeKeysFrom({});

    // Assess
    expect(build).toThrow('neither WRITE_KEYS_SECRET_ARN nor WRITE_KEYS is set');
  });
});

describe('identitySecretFrom', () => {
  it('reads the identity secret from Secrets Manager when the stack set its ARN', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'identity-secret\n' });

    // Act
    const secret = await identitySecretFrom({ IDENTITY_SECRET_ARN: SECRET_ARN }).get();

    // Assess
    expect(secret).toBe('identity-secret');
  });

  it('has no secret when neither variable is set, so no browser call is verified', async () => {
    // Act
    const secret = await identitySecretFrom({}).get();

    // Assess
    expect(secret).toBeUndefined();
  });
});
