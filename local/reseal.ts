/**
 * `npm run reseal`: re-seals every connection with the newest token key and reports what it
 * did. It reads the same configuration as the service (PIERRE_CONFIG_SECRET_ID, the table names,
 * PIERRE_TOKEN_KEYS; AWS credentials and region from the usual AWS variables), so it runs
 * against a deployed stack as well as against an emulator.
 */
import { buildContainer } from '../shared/app/container';
import { resealConnections } from '../shared/app/reseal';
import { operatorContainer } from './operator';

async function main(): Promise<number> {
  const container = await operatorContainer(
    buildContainer,
    'PIERRE_CONNECTIONS_TABLE (and PIERRE_CACHE_TABLE, PIERRE_TOKEN_KEYS)',
    'there is nothing to re-seal in memory.',
  );
  if (!container) return 2;
  if (!container.config.connectionsTable || !container.config.tokenKeysJson) {
    console.error('The configuration names no connections table or no PIERRE_TOKEN_KEYS: nothing to re-seal.');
    return 2;
  }
  const report = await resealConnections(container);
  console.log(
    `re-sealed ${report.resealed}, already on the current key ${report.alreadyCurrent}, ` +
      `changed meanwhile ${report.changedMeanwhile}, unreadable ${report.unreadable.length} (of ${report.scanned})`,
  );
  for (const key of report.unreadable) console.log(`unreadable: tenant=${key.tenantId} user=${key.userId} provider=${key.provider}`);
  console.log(JSON.stringify(report));
  // Unreadable items mean a key is still needed (or those users must reconnect): not a clean rotation.
  return report.unreadable.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`reseal failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
