/** Helpers for tests that talk to the moto server started by test/support/moto-global.ts. */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

/**
 * The moto endpoint, also set as AWS_ENDPOINT_URL so that SDK clients created afterwards in
 * this test process talk to moto. Call it before constructing any AWS client.
 */
export function useMoto(): string {
  const endpoint = inject('motoEndpoint');
  if (!endpoint) throw new Error('motoEndpoint not provided: is test/support/moto-global.ts the globalSetup?');
  process.env.AWS_ENDPOINT_URL = endpoint;
  return endpoint;
}

/** A name unique to this run, valid as a DynamoDB table or SQS queue name. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
