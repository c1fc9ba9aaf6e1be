import type { EventPublisher, PublishedEvent } from './ports';

/** Events kept in memory, in publishing order (local runs and tests read them back). */
export class MemoryEventLog implements EventPublisher {
  readonly published: PublishedEvent[] = [];

  async publish(event: PublishedEvent): Promise<void> {
    this.published.push(event);
  }
}
