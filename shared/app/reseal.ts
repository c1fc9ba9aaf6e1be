/**
 * Key rotation's second half: re-seal every stored connection with the current key (the first
 * of PIERRE_TOKEN_KEYS), so that an older key can be removed from the list safely.
 */
import type { ConnectionKey } from '../store/ports';
import type { Container } from './container';

interface ResealReport {
  scanned: number;
  resealed: number;
  alreadyCurrent: number;
  /** Written by a request (a refresh, a reconnect) between our read and write: sealed anew by it. */
  changedMeanwhile: number;
  /** Items no configured key opens: their users must connect again. */
  unreadable: ConnectionKey[];
}

export async function resealConnections(container: Container): Promise<ResealReport> {
  const report: ResealReport = { scanned: 0, resealed: 0, alreadyCurrent: 0, changedMeanwhile: 0, unreadable: [] };
  for await (const { connection, sealedWithCurrentKey } of container.connections.scanAll()) {
    report.scanned += 1;
    if (connection.status === 'reauthorization_required') {
      report.unreadable.push({ tenantId: connection.tenantId, userId: connection.userId, provider: connection.provider });
    } else if (sealedWithCurrentKey) {
      report.alreadyCurrent += 1;
    } else if (await container.connections.replaceIfUnchanged(connection, connection.updatedAt)) {
      report.resealed += 1;
    } else {
      report.changedMeanwhile += 1;
    }
  }
  return report;
}
