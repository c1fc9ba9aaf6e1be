/** The delivery worker's parts, from the container; and the local drain of the in-memory delivery queue. */
import type { DeliveryDeps, DeliveryOutcome } from '../events/delivery';
import { processDelivery } from '../events/delivery';
import type { MemoryJobQueue } from '../queue/memory';
import type { Container } from './container-core';

export function deliveryDeps(container: Container): DeliveryDeps {
  return {
    store: container.eventStore,
    secrets: container.endpointSecrets,
    queue: container.deliveryQueue,
    now: container.deps.now,
    targets: container.eventTargets,
  };
}

/**
 * Locally (no SQS) the in-memory delivery queue is drained by the same use case: each visible
 * message is processed, deleted when handled and left for redelivery when it threw.
 */
export async function drainMemoryDeliveries(container: Container, queue: MemoryJobQueue): Promise<DeliveryOutcome[]> {
  const deps = deliveryDeps(container);
  const outcomes: DeliveryOutcome[] = [];
  for (let batch = queue.receive(10); batch.length > 0; batch = queue.receive(10)) {
    const settled = await Promise.allSettled(batch.map((m) => processDelivery(deps, m.body)));
    settled.forEach((result, i) => {
      if (result.status === 'fulfilled') {
        queue.delete(batch[i]!.messageId);
        outcomes.push(result.value);
      }
    });
  }
  return outcomes;
}
