/**
 * The hash of the campaign a deployed pipeline stack carries: its `CampaignSha256` output
 * (infra/pipeline-stack.ts), read with DescribeStacks — what `sadakat console --table … --stack`
 * compares the local campaign folder with.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

export const CAMPAIGN_HASH_OUTPUT = 'CampaignSha256';

export function stackCampaign(
  stackName: string,
  region: string | undefined,
  client: Pick<CloudFormationClient, 'send'> = new CloudFormationClient(region ? { region } : {}),
): { name: string; sha256(): Promise<string | undefined> } {
  return {
    name: `stack ${stackName}`,
    async sha256() {
      const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
      return Stacks?.[0]?.Outputs?.find((output) => output.OutputKey === CAMPAIGN_HASH_OUTPUT)?.OutputValue;
    },
  };
}
