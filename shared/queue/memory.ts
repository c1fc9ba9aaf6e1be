/**
 * An in-process queue with SQS's semantics where they matter to the worker: delays of at most
 * 15 minutes, a visibility timeout after each receive, redelivery of what was not deleted, and
 * a dead-letter list after `maxReceives`. Time is the app's injected clock, so tests drain
 * hours of delays without waiting.
 */
import { randomUUID } from 'node:crypto';
import { MAX_QUEUE_DELAY_SECS, type JobQueue } from '../store/ports';

export interface QueuedMessage {
  messageId: string;
  body: string;
  receiveCount: number;
}

interface Held extends QueuedMessage {
  visibleAtMs: number;
}

export interface MemoryQueueOptions {
  now: () => number;
  visibilityTimeoutSecs?: number;
  maxReceives?: number;
}

export class MemoryJobQueue implements JobQueue {
  readonly #messages: Held[] = [];
  readonly deadLetters: QueuedMessage[] = [];
  readonly #visibilityMs: number;
  readonly #maxReceives: number;

  constructor(private readonly options: MemoryQueueOptions) {
    this.#visibilityMs = (options.visibilityTimeoutSecs ?? 180) * 1000;
    this.#maxReceives = options.maxReceives ?? 5;
  }

  async send(body: string, delaySecs: number): Promise<void> {
    if (delaySecs > MAX_QUEUE_DELAY_SECS) throw new RangeError(`a queue delay may be at most ${MAX_QUEUE_DELAY_SECS} s`);
    const delayMs = Math.max(0, Math.ceil(delaySecs)) * 1000;
    this.#messages.push({ messageId: randomUUID(), body, receiveCount: 0, visibleAtMs: this.options.now() + delayMs });
  }

  /** Messages waiting (visible or not), dead letters excluded. */
  get size(): number {
    return this.#messages.length;
  }

  /** Epoch ms at which the next message becomes visible; undefined when empty. */
  nextVisibleAt(): number | undefined {
    return this.#messages.length ? Math.min(...this.#messages.map((m) => m.visibleAtMs)) : undefined;
  }

  /** Takes up to `max` visible messages and hides them for the visibility timeout. */
  receive(max = 10): QueuedMessage[] {
    const now = this.options.now();
    const out: QueuedMessage[] = [];
    for (const message of [...this.#messages]) {
      if (out.length >= max) break;
      if (message.visibleAtMs > now) continue;
      if (message.receiveCount >= this.#maxReceives) {
        this.#messages.splice(this.#messages.indexOf(message), 1);
        this.deadLetters.push({ messageId: message.messageId, body: message.body, receiveCount: message.receiveCount });
        continue;
      }
      message.receiveCount += 1;
      message.visibleAtMs = now + this.#visibilityMs;
      out.push({ messageId: message.messageId, body: message.body, receiveCount: message.receiveCount });
    }
    return out;
  }

  /** Removes a received message (the worker handled it). */
  delete(messageId: string): void {
    const i = this.#messages.findIndex((m) => m.messageId === messageId);
    if (i >= 0) this.#messages.splice(i, 1);
  }

  /** Drops every message, delayed and in flight ones too (SQS's PurgeQueue). */
  purge(): void {
    this.#messages.length = 0;
  }

  /** Delivers the same message again at once, as SQS may (at-least-once delivery). */
  duplicate(messageId: string): void {
    const message = this.#messages.find((m) => m.messageId === messageId);
    if (message) this.#messages.push({ ...message, visibleAtMs: this.options.now() });
  }
}
