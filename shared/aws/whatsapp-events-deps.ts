/** whatsapp-events' dependencies in Lambda, built once per cold start from the environment. */
import { identityDirectory } from '../channels/whatsapp/directory.js';
import type { WhatsAppEventsDeps } from '../channels/whatsapp/events.js';
import { awsCoreAdapters } from './aws-adapters.js';

export function awsWhatsAppEventsDeps(env: NodeJS.ProcessEnv): WhatsAppEventsDeps {
  const { table, events } = awsCoreAdapters(env);
  return {
    directory: identityDirectory(table.identity, table.pepper),
    events,
    suppression: table.suppression,
    ledger: table.sendLedger,
    marks: table.marks,
    stats: table.stats,
  };
}
