/**
 * `channels.push[]`: one record per device token, last write wins by `at` (an app that sends its
 * token again after SNS disabled the endpoint is enabled again; at the same instant disabled
 * wins). The newest `MAX_PUSH_DEVICES` are kept.
 */
import type { PushDevice } from './schema.js';
import { compareIso, mergeNewestByKey } from './timestamps.js';

export const MAX_PUSH_DEVICES = 5;
/** APNs tokens are 64 hex characters, FCM tokens about 150–170 characters. */
const MAX_TOKEN_LENGTH = 512;

export function readPushPlatform(value: unknown): PushDevice['platform'] | undefined {
  const type = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  return type === 'ios' || type === 'android' ? type : undefined;
}

export function isUsableToken(token: string): boolean {
  return token.length > 0 && token.length <= MAX_TOKEN_LENGTH;
}

export function upsertDevice(devices: readonly PushDevice[], device: PushDevice): PushDevice[] {
  return mergeDevices(devices, [device]);
}

/** SNS reported the endpoint (dis)abled at `at`; unknown endpoints change nothing. */
export function setEndpointEnabled(
  devices: readonly PushDevice[],
  endpoint: string,
  enabled: boolean,
  at: string,
): PushDevice[] {
  return devices.map((device) =>
    device.endpoint === endpoint || device.token === endpoint ? later(device, { ...device, enabled, at }) : device,
  );
}

export function mergeDevices(a: readonly PushDevice[], b: readonly PushDevice[]): PushDevice[] {
  return mergeNewestByKey(a, b, { key: (device) => device.token, pick: later, limit: MAX_PUSH_DEVICES });
}

/** The later record; the SNS endpoint, once known, is kept (events from the app never carry it). */
function later(a: PushDevice, b: PushDevice): PushDevice {
  const order = compareIso(a.at, b.at);
  const endpoint =
    order > 0 ? (a.endpoint ?? b.endpoint) : order < 0 ? (b.endpoint ?? a.endpoint) : maxOf(a.endpoint, b.endpoint);
  const winner: PushDevice =
    order > 0
      ? a
      : order < 0
        ? b
        : { ...a, platform: a.platform >= b.platform ? a.platform : b.platform, enabled: a.enabled && b.enabled };
  const { endpoint: _dropped, ...rest } = winner;
  return endpoint !== undefined ? { ...rest, endpoint } : rest;
}

function maxOf(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a >= b ? a : b;
}
