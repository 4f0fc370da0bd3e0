/**
 * The pepper in Lambda (DESIGN "Trust"): PEPPER_SECRET_ARN in the stack (a Secrets Manager
 * secret the data stack generates and retains, never rotated); PEPPER (the text itself) for runs
 * of a Lambda handler outside the stack. Loaded on first use and kept for the container's life
 * (it never changes); a failed load is not kept, so the next use tries again. A function the
 * stack gives no pepper fails only if it hashes, naming what to set.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Pepper, PepperError, type PepperSource } from '../privacy/pepper.js';

export class SecretsManagerPepper implements PepperSource {
  private loading: Promise<Pepper> | undefined;

  constructor(
    private readonly secretId: string,
    private readonly client: SecretsManagerClient = new SecretsManagerClient({}),
  ) {}

  get(): Promise<Pepper> {
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  private async load(): Promise<Pepper> {
    const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    // The message names the secret, never its value.
    if (SecretString === undefined) throw new PepperError(`secret ${this.secretId} has no string value`);
    return Pepper.parse(SecretString, `secret ${this.secretId}`);
  }
}

export function awsPepper(env: NodeJS.ProcessEnv): PepperSource {
  if (env.PEPPER_SECRET_ARN) return new SecretsManagerPepper(env.PEPPER_SECRET_ARN);
  if (env.PEPPER) return Pepper.parse(env.PEPPER, 'PEPPER');
  return {
    get: () =>
      Promise.reject(
        new PepperError(
          'neither PEPPER_SECRET_ARN nor PEPPER is set: the CDK stack sets the first for the functions that hash; set PEPPER to 32+ random characters for local runs',
        ),
      ),
  };
}
