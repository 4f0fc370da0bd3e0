/**
 * The settings analytics.js (Segment's analytics-next) fetches from `<cdnURL>/v1/projects/<writeKey>/settings`
 * before it sends anything: only the `Segment.io` integration, pointed at sadakat's ingest, with
 * every call enabled and no device-mode destinations, remote plugins or metrics, so a storefront
 * changes only `cdnURL` and `apiHost`.
 */
export interface AnalyticsSettings {
  integrations: {
    'Segment.io': {
      apiKey: string;
      apiHost: string;
      protocol: 'http' | 'https';
      unbundledIntegrations: string[];
      addBundledMetadata: boolean;
      maybeBundledConfigIds: Record<string, string[]>;
    };
  };
  plan: Record<string, { __default: { enabled: boolean; integrations: Record<string, boolean> } }>;
  edgeFunction: Record<string, never>;
  analyticsNextEnabled: boolean;
  middlewareSettings: Record<string, never>;
  enabledMiddleware: Record<string, never>;
  metrics: { sampleRate: number };
  legacyVideoPluginsEnabled: boolean;
  remotePlugins: never[];
}

const SETTINGS_PATH = /^\/v1\/projects\/([^/]{1,512})\/settings\/?$/;

/** The write key named by a settings path, if the path is one. */
export function settingsRouteKey(path: string): string | undefined {
  const match = SETTINGS_PATH.exec(path);
  if (!match?.[1]) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}

export function analyticsSettings(writeKey: string, apiHost: string, protocol: 'http' | 'https'): AnalyticsSettings {
  const enabled = { __default: { enabled: true, integrations: {} } };
  return {
    integrations: {
      'Segment.io': {
        apiKey: writeKey,
        apiHost,
        protocol,
        unbundledIntegrations: [],
        addBundledMetadata: true,
        maybeBundledConfigIds: {},
      },
    },
    plan: { track: enabled, identify: enabled, group: enabled },
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    // Sampling 0: analytics.js would otherwise post its own usage metrics to Segment.
    metrics: { sampleRate: 0 },
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
  };
}
