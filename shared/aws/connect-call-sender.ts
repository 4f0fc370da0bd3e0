/**
 * CallTaskSender on Amazon Connect tasks (StartTaskContact): the task lands in the instance's
 * contact flow, which routes it by its `sadakat_queue` and `sadakat_priority` attributes. The
 * ledger's message id, hashed with the customer id (callClientToken), is the `ClientToken`, so a retried request creates the task once (Connect
 * answers a repeated token with the first contact). Throttling and the active-task quota
 * (`ServiceQuotaExceededException`, `LimitExceededException`: nothing was created) are
 * `throttled`, so the send is deferred and retried, never `failed`. The rendered script is the
 * task's description, cut to Connect's 4096-character limit; the name to its 512.
 * Retries are off, as for every provider (at most once).
 */
import { ConnectClient, StartTaskContactCommand } from '@aws-sdk/client-connect';
import { fitToLimit } from '../channels/call-task.js';
import type { CallTask, CallTaskSender } from '../channels/ports.js';
import { ProviderError } from '../channels/provider-error.js';
import { errorCode, toProviderError } from './provider-failure.js';

/** StartTaskContact's limits on the task's description and name (characters). */
export const CONNECT_DESCRIPTION_LIMIT = 4096;
export const CONNECT_NAME_LIMIT = 512;

/** Errors that mean "not now": nothing was created, so the send may be retried later. */
const NOT_NOW = new Set(['ServiceQuotaExceededException', 'LimitExceededException']);

export interface ConnectTaskTarget {
  instanceId: string;
  contactFlowId: string;
}

export function createConnectClient(options: { region?: string } = {}): ConnectClient {
  return new ConnectClient({ maxAttempts: 1, ...(options.region ? { region: options.region } : {}) });
}

export class ConnectCallSender implements CallTaskSender {
  constructor(
    private readonly client: ConnectClient,
    private readonly target: ConnectTaskTarget,
  ) {}

  async createCallTask(task: CallTask): Promise<{ providerMessageId: string }> {
    try {
      const response = await this.client.send(
        new StartTaskContactCommand({
          InstanceId: this.target.instanceId,
          ContactFlowId: this.target.contactFlowId,
          ClientToken: task.clientToken,
          Name: fitToLimit(`Call ${task.name ?? task.customerId} (${task.reason})`, CONNECT_NAME_LIMIT),
          Description: fitToLimit(task.script, CONNECT_DESCRIPTION_LIMIT),
          References: { phone: { Type: 'STRING', Value: task.phone } },
          Attributes: connectAttributes(task),
        }),
      );
      if (!response.ContactId) throw new ProviderError('unknown', 'NoContactId');
      return { providerMessageId: response.ContactId };
    } catch (error) {
      if (NOT_NOW.has(errorCode(error))) throw new ProviderError('throttled', errorCode(error));
      throw toProviderError(error);
    }
  }
}

/**
 * The task's contact attributes: the routing the contact flow reads, and the ids call-feedback
 * turns back into an `engagement` message (shared/channels/call-feedback.ts). The agent sets
 * `outcome` on the contact.
 */
export function connectAttributes(task: CallTask): Record<string, string> {
  const { tags } = task;
  return {
    sadakat_queue: task.queue,
    sadakat_priority: task.priority,
    sadakat_due_at: task.dueAt,
    sadakat_customer_id: tags.customerId,
    sadakat_message_id: tags.messageId,
    sadakat_journey_id: tags.journeyId,
    sadakat_run_id: tags.runId,
    sadakat_step_id: tags.stepId,
    ...(tags.variant ? { sadakat_variant: tags.variant } : {}),
  };
}
