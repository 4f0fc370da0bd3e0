import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { addSadakatStacks, InvalidCampaignError } from '../../infra/app.js';
import { InvalidContextError } from '../../infra/deployment-context.js';
import { unbundledApp } from './sadakat-app.js';

async function campaign(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sadakat-infra-campaign-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

describe('addSadakatStacks', () => {
  it('stops before adding any stack when the campaign fails validation, listing each problem with its place', async () => {
    // Prepare
    const dir = await campaign({
      'settings.yaml': 'holdoutPercent: 90\n',
      'segments.yaml': '- id: a\n  attr: orders.count\n  gte: many\n',
    });
    const app = unbundledApp();

    // Act
    const result = addSadakatStacks(app, dir);

    // Assess
    await expect(result).rejects.toThrow(InvalidCampaignError);
    await expect(result).rejects.toThrow(`${join(dir, 'settings.yaml')}:1:1: holdoutPercent`);
    await expect(result).rejects.toThrow(`${join(dir, 'segments.yaml')}:3:3: gte`);
    expect(app.node.children.filter((child) => child instanceof Stack)).toEqual([]);
  });

  it('refuses a wrong context value, naming the key', async () => {
    // Prepare
    const app = unbundledApp({ account: '1234' });

    // Act
    const result = addSadakatStacks(app);

    // Assess
    await expect(result).rejects.toThrow(InvalidContextError);
    await expect(result).rejects.toThrow('context account: expected a 12-digit AWS account id');
  });

  it('names both stacks after the stage and pins the account and region from context', async () => {
    // Act
    const { data, pipeline } = await addSadakatStacks(
      unbundledApp({ stage: 'prod', account: '123456789012', region: 'eu-central-1' }),
    );

    // Assess
    expect([data.stackName, pipeline.stackName]).toEqual(['Sadakat-prod-Data', 'Sadakat-prod-Pipeline']);
    expect([pipeline.account, pipeline.region]).toEqual(['123456789012', 'eu-central-1']);
    expect(pipeline.dependencies).toContain(data);
    expect(data.terminationProtection).toBe(true);
  });

  it('fails synthesis on a cdk-nag finding nobody acknowledged', async () => {
    // Prepare
    const app = unbundledApp();
    const { data, pipeline } = await addSadakatStacks(app);
    // Only the small data stack is synthesized; the checks registered on the app still run on it.
    app.node.tryRemoveChild(pipeline.node.id);
    const role = new Role(data, 'Careless', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));

    // Act
    const synth = () => Template.fromStack(data);

    // Assess
    expect(synth).toThrow('AwsSolutions-IAM5[Action::s3:*]');
  });
});
