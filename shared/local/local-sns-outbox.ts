/**
 * SMS and push locally (STACK: no SNS emulator works with the v3 SDK): every message the SNS
 * adapters would publish is appended as one JSON line to `<dataDir>/sns-outbox.jsonl`, with the
 * payload the adapters would send (SMS attributes, per-platform push JSON). Endpoints listed in
 * `disabledEndpoints` answer like a disabled SNS endpoint, so pruning can be exercised. WhatsApp
 * messages go to the same file (`kind: whatsapp`, with the Cloud API message End User Messaging
 * Social would send), so `forget` erases them with the customer's SMS.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import type {
  PushNotification,
  PushResult,
  PushSender,
  Sms,
  SmsSender,
  WhatsAppMessage,
  WhatsAppSender,
} from '../channels/ports.js';
import { smsSegments } from '../channels/sms-segments.js';
import type { Clock } from '../ports.js';
import { payload } from '../aws/sns-push-sender.js';
import { callbackDataOf, cloudApiMessage } from '../aws/whatsapp-sender.js';

export type OutboxEntry =
  | {
      kind: 'sms';
      id: string;
      at: string;
      to: string;
      body: string;
      type: 'Promotional' | 'Transactional';
      senderId?: string;
      encoding: string;
      segments: number;
      tags: Sms['tags'];
    }
  | { kind: 'push'; id: string; at: string; endpoint: string; message: string; tags: PushNotification['tags'] }
  | {
      kind: 'whatsapp';
      id: string;
      at: string;
      to: string;
      /** The Cloud API message object (text, or an approved template and its parameters). */
      message: Record<string, unknown>;
      tags: WhatsAppMessage['tags'];
    };

export class LocalSnsOutbox implements SmsSender, PushSender, WhatsAppSender {
  readonly disabledEndpoints = new Set<string>();

  constructor(
    private readonly file: string,
    private readonly clock: Clock,
  ) {}

  async sendSms(sms: Sms): Promise<{ providerMessageId: string }> {
    const parts = smsSegments(sms.body);
    const entry: OutboxEntry = {
      kind: 'sms',
      id: randomUUID(),
      at: this.clock.now().toISOString(),
      to: sms.to,
      body: sms.body,
      type: sms.transactional ? 'Transactional' : 'Promotional',
      ...(sms.senderId ? { senderId: sms.senderId } : {}),
      encoding: parts.encoding,
      segments: parts.segments,
      tags: sms.tags,
    };
    await this.append([entry]);
    return { providerMessageId: entry.id };
  }

  async sendWhatsApp(whatsapp: WhatsAppMessage): Promise<{ providerMessageId: string }> {
    const entry: OutboxEntry = {
      kind: 'whatsapp',
      id: randomUUID(),
      at: this.clock.now().toISOString(),
      to: whatsapp.to,
      message: cloudApiMessage(whatsapp.to, whatsapp.message, callbackDataOf(whatsapp.tags)),
      tags: whatsapp.tags,
    };
    await this.append([entry]);
    return { providerMessageId: entry.id };
  }

  async sendPush(push: PushNotification): Promise<PushResult> {
    const result: PushResult = { delivered: 0, disabled: [] };
    const entries: OutboxEntry[] = [];
    for (const device of push.devices) {
      const endpoint = device.endpoint ?? `local:${device.platform}:${device.token}`;
      if (this.disabledEndpoints.has(endpoint)) {
        result.disabled.push(device.endpoint ?? device.token);
        continue;
      }
      const entry: OutboxEntry = {
        kind: 'push',
        id: randomUUID(),
        at: this.clock.now().toISOString(),
        endpoint,
        message: payload(push),
        tags: push.tags,
      };
      entries.push(entry);
      result.delivered++;
      result.providerMessageId ??= entry.id;
    }
    await this.append(entries);
    return result;
  }

  async entries(): Promise<OutboxEntry[]> {
    try {
      return (await readFile(this.file, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as OutboxEntry);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  private async append(entries: OutboxEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await mkdir(dirname(this.file), { recursive: true });
    await appendFile(this.file, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
  }
}
