/** Reads a variable the deployment must set; a missing one fails the cold start with its name. */
export function requireEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set (the CDK stack sets it)`);
  return value;
}
