/**
 * A customer's endpoint for the tests: an HTTP server on 127.0.0.1 that answers with the statuses
 * it is scripted with and verifies every delivery with the `standardwebhooks` package (the
 * specification's own implementation, not our signer). Timestamps are checked against the
 * injected clock: the package's 5-minute tolerance reads Date, which is set to it for the check.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { vi } from 'vitest';

interface Delivery {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  payload: { type: string; timestamp: string; data: Record<string, any> };
  /** Which of the receiver's secrets verified it. */
  verifiedBy: string[];
  answered: number;
}

export interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Statuses for the next deliveries, in order (replacing any left); after them, 200. */
  script(...statuses: number[]): void;
  /** The secrets deliveries are verified with (a delivery no secret verifies is recorded as a failure). */
  secrets: string[];
  failures: string[];
  close(): Promise<void>;
}

function verify(secret: string, body: string, headers: IncomingHttpHeaders, nowMs: number): unknown {
  vi.useFakeTimers({ toFake: ['Date'], now: nowMs });
  try {
    return new Webhook(secret).verify(body, headers as Record<string, string>);
  } finally {
    vi.useRealTimers();
  }
}

export async function startReceiver(now: () => number): Promise<Receiver> {
  const statuses: number[] = [];
  const receiver: Receiver = {
    url: '',
    deliveries: [],
    secrets: [],
    failures: [],
    script: (...next) => void statuses.splice(0, statuses.length, ...next),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const verifiedBy = receiver.secrets.filter((secret) => {
        try {
          verify(secret, body, req.headers, now());
          return true;
        } catch {
          return false;
        }
      });
      if (verifiedBy.length === 0) receiver.failures.push(`unverified delivery ${String(req.headers['webhook-id'])}`);
      const answered = statuses.shift() ?? 200;
      receiver.deliveries.push({
        id: String(req.headers['webhook-id']),
        timestamp: String(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        body,
        payload: JSON.parse(body),
        verifiedBy,
        answered,
      });
      res.writeHead(answered, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}
