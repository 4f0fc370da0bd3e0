import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../../../shared/config/settings.js';
import { formatLocatedError } from '../../../shared/config/yaml-source.js';
import { checkJourneySources } from '../../../shared/journeys/load.js';

const context = {
  segmentIds: new Set<string>(),
  trackedProperties: {},
  webhookEndpoints: new Set(['crm', 'slack-vip']),
  templateFiles: (id: string) =>
    id === 'vip' ? new Set(['webhook.json.liquid']) : id === 'text' ? new Set(['sms.liquid']) : undefined,
};

function errorsOf(steps: string): string[] {
  const yaml = `id: j\ntrigger: { event: Order Completed }\nsteps:\n${steps}`;
  const result = checkJourneySources([{ file: 'j.yaml', text: yaml }], context);
  return result.ok ? [] : result.errors.map(formatLocatedError);
}

describe('settings.yaml webhooks', () => {
  it('reads an endpoint with a secret reference, and refuses plain http off loopback and inline credentials', () => {
    const ok = settingsSchema.safeParse({
      webhooks: {
        crm: { url: 'https://crm.example.com/h', secret: { secretsManager: 'sadakat/webhooks/crm' }, timeout: '3s' },
        local: { url: 'http://localhost:9000/h', secret: { env: 'LOCAL_HOOK' } },
      },
    });
    const bad = settingsSchema.safeParse({
      webhooks: {
        a: { url: 'http://crm.example.com/h', secret: { env: 'A' } },
        b: { url: 'https://u:p@crm.example.com/h', secret: { env: 'B' } },
        c: { url: 'https://crm.example.com/h', secret: 'whsec_inline' },
        d: { url: 'https://crm.example.com/h', secret: { env: 'D' }, timeout: '1m' },
      },
    });

    expect(ok.success).toBe(true);
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((issue) => issue.path.join('.')).sort();
    expect(paths).toEqual(['webhooks.a.url', 'webhooks.b.url', 'webhooks.c.secret', 'webhooks.d.timeout']);
  });
});

describe('journey webhook steps', () => {
  it('accept a webhook send naming a known endpoint', () => {
    expect(errorsOf('  - send: { channel: webhook, endpoint: crm, template: vip }\n')).toEqual([]);
  });

  it('name an unknown endpoint, a missing one, a fallback and an endpoint on another channel', () => {
    expect(errorsOf('  - send: { channel: webhook, endpoint: slack_vip, template: vip }\n')).toEqual([
      expect.stringMatching(/no webhook endpoint "slack_vip" in settings.yaml webhooks: did you mean "slack-vip"\?$/),
    ]);
    expect(errorsOf('  - send: { channel: webhook, template: vip }\n')).toEqual([
      expect.stringMatching(/a webhook send needs endpoint: <name> of settings.yaml webhooks$/),
    ]);
    expect(errorsOf('  - send: { channel: sms, template: text, endpoint: crm, fallback: [webhook] }\n')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/endpoint is for webhook sends only$/),
        expect.stringMatching(/webhook cannot be a fallback/),
      ]),
    );
  });
});
