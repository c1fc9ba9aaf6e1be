import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildContainer } from '../../shared/app/container';
import { buildContainer as buildCoreContainer } from '../../shared/app/container-core';
import { serviceHealth } from '../../shared/app/health';
import { providerRegistry } from '../../shared/providers';
import { MemoryConnectionStore } from '../../shared/store/memory/connections';

const noSecret = async () => {
  throw new Error('unexpected secret read');
};
const keys = JSON.stringify([{ id: 'k1', key: randomBytes(32).toString('base64') }]);

describe('composition root', () => {
  it('runs on memory stores outside Lambda, with a development key', async () => {
    const container = await buildContainer({ env: {}, fetchSecret: noSecret });
    expect(container.connections).toBeInstanceOf(MemoryConnectionStore);
    expect(container.config.defaultProvider).toBe('synthetic');
  });

  it('refuses to start on Lambda without token keys or tables', async () => {
    const lambda = { AWS_LAMBDA_FUNCTION_NAME: 'pierre-data' };
    await expect(buildContainer({ env: lambda, fetchSecret: noSecret })).rejects.toThrow(/PIERRE_TOKEN_KEYS is required/);
    await expect(buildContainer({ env: { ...lambda, PIERRE_TOKEN_KEYS: keys }, fetchSecret: noSecret })).rejects.toThrow(
      /PIERRE_CONNECTIONS_TABLE and PIERRE_CACHE_TABLE are required/,
    );
  });

  it('answers unsupported_provider for unknown names, listing the registry', async () => {
    const container = await buildContainer({ env: {}, fetchSecret: noSecret });
    expect(() => container.provider('polar')).toThrow(/Provider 'polar' is not supported\. Supported providers: synthetic/);
    expect(container.provider('synthetic')).toBe(container.provider('synthetic'));
  });

  it('knows every provider by descriptor in the core alone, and says so when asked for an implementation', async () => {
    const container = await buildCoreContainer({ env: {}, fetchSecret: noSecret });
    expect(container.registry.descriptors()).toEqual(providerRegistry.descriptors());
    expect(() => container.provider('strava')).toThrow(/registered without its implementation in this function/);
    expect(() => container.provider('polar')).toThrow(/Provider 'polar' is not supported/);
    expect(await serviceHealth(container)).toMatchObject({ status: 'ok', store: 'ok', providers: providerRegistry.supportedProviders().length });
  });
});
