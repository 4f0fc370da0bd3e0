import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { writeKeysFrom } from '../../shared/aws/ingest-deps.js';
import { SecretsManagerWriteKeys, WriteKeySecretError } from '../../shared/aws/secrets-write-keys.js';
import { StaticWriteKeys } from '../../shared/events/write-key.js';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:WriteKeys-AbCdEf';
const secrets = mockClient(SecretsManagerClient);
const verifier = () => new SecretsManagerWriteKeys(new SecretsManagerClient({ region: 'eu-central-1' }), SECRET_ARN);

beforeEach(() => {
  secrets.reset();
});

describe('SecretsManagerWriteKeys', () => {
  it('accepts every key of the comma-separated secret', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'old-key, new-key' });
    const keys = verifier();

    // Act
    const results = [await keys.verify('old-key'), await keys.verify('new-key')];

    // Assess
    expect(results).toEqual([true, true]);
  });

  it('refuses a key that is not in the secret', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'shop-key' });

    // Act
    const ok = await verifier().verify('guessed-key');

    // Assess
    expect(ok).toBe(false);
  });

  it('reads the secret once for all requests of a cold start, even concurrent ones', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'shop-key' });
    const keys = verifier();

    // Act
    await Promise.all([keys.verify('shop-key'), keys.verify('other')]);
    await keys.verify('shop-key');

    // Assess
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: SECRET_ARN });
  });

  it('tries the secret again on the next request after a failed read', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).rejectsOnce(new Error('throttled')).resolves({ SecretString: 'shop-key' });
    const keys = verifier();
    await expect(keys.verify('shop-key')).rejects.toThrow('throttled');

    // Act
    const ok = await keys.verify('shop-key');

    // Assess
    expect(ok).toBe(true);
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('names the secret, not its value, when the secret holds no key', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: ' , ' });

    // Act
    const result = verifier().verify('anything');

    // Assess
    await expect(result).rejects.toThrow(WriteKeySecretError);
    await expect(result).rejects.toThrow(`secret ${SECRET_ARN} holds no write key`);
  });

  it('refuses a binary secret with a message saying how to store the keys', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });

    // Act
    const result = verifier().verify('anything');

    // Assess
    await expect(result).rejects.toThrow('has no string value: store the write keys as text, comma-separated');
  });
});

describe('writeKeysFrom', () => {
  it('uses the secret when the stack set its ARN, even if WRITE_KEYS is also set', () => {
    // Act
    const keys = writeKeysFrom({ WRITE_KEYS_SECRET_ARN: SECRET_ARN, WRITE_KEYS: 'local-key' });

    // Assess
    expect(keys).toBeInstanceOf(SecretsManagerWriteKeys);
  });

  it('uses WRITE_KEYS for local runs without a secret', async () => {
    // Act
    const keys = writeKeysFrom({ WRITE_KEYS: 'local-a,local-b' });

    // Assess
    expect(keys).toBeInstanceOf(StaticWriteKeys);
    expect(await keys.verify('local-b')).toBe(true);
  });

  it('names both variables when neither is set', () => {
    // Act
    const build = () => writeKeysFrom({});

    // Assess
    expect(build).toThrow('neither WRITE_KEYS_SECRET_ARN nor WRITE_KEYS is set');
  });
});
