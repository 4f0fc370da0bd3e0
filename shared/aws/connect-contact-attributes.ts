/** ContactAttributeSource on Amazon Connect GetContactAttributes (call-feedback reads the agent's outcome). */
import { GetContactAttributesCommand, type ConnectClient } from '@aws-sdk/client-connect';
import type { ContactAttributeSource } from '../channels/call-feedback.js';

export class ConnectContactAttributes implements ContactAttributeSource {
  constructor(private readonly client: ConnectClient) {}

  async attributesOf(instanceId: string, contactId: string): Promise<Record<string, string>> {
    const response = await this.client.send(
      new GetContactAttributesCommand({ InstanceId: instanceId, InitialContactId: contactId }),
    );
    return response.Attributes ?? {};
  }
}
