/**
 * Build-time provider selection: a build with PIERRE_PROVIDERS bundles only those providers
 * (the others' code is absent from the bundle) and its registry lists only them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleCode, bundleLayout, lazyChunksOf } from '../../infra/bundle-files';
import { functionFiles, REPO_ROOT } from '../../infra/bundling';
import { bundleFunction } from '../../infra/esbuild';
import { BUILTIN_PROVIDER_NAMES, descriptorListSource, parseProviderSelection, providerListSource } from '../../infra/providers';
import { providerRegistry } from '../../shared/providers';
import { descriptorRegistry } from '../../shared/providers/descriptors';
import { probeBundle, requestBundle } from '../support/bundle-probe';

const BUILD_TIMEOUT = 120_000;

// Under node_modules/.cache, beside the generated provider lists.
mkdirSync(join(REPO_ROOT, 'node_modules', '.cache'), { recursive: true });
const OUT_ROOT = mkdtempSync(join(REPO_ROOT, 'node_modules', '.cache', 'pierre-provider-test-'));
afterAll(() => rmSync(OUT_ROOT, { recursive: true, force: true }));

const apiBaseUrl = (name: string) => providerRegistry.descriptor(name)!.apiBaseUrl!;

describe('provider selection', () => {
  it('names every built-in provider in registration order', () => {
    expect(providerRegistry.supportedProviders()).toEqual([...BUILTIN_PROVIDER_NAMES]);
  });

  it('parses a comma-separated list into registration order; all or nothing means every provider', () => {
    expect(parseProviderSelection('synthetic, Strava')).toEqual(['synthetic', 'strava']);
    expect(parseProviderSelection('strava,synthetic')).toEqual(['synthetic', 'strava']);
    expect(parseProviderSelection(['whoop'])).toEqual(['whoop']);
    expect(parseProviderSelection(undefined)).toBeUndefined();
    expect(parseProviderSelection('')).toBeUndefined();
    expect(parseProviderSelection('all')).toBeUndefined();
    expect(parseProviderSelection([...BUILTIN_PROVIDER_NAMES].reverse().join(','))).toBeUndefined();
  });

  it('refuses an unknown provider, naming it and the known ones', () => {
    expect(() => parseProviderSelection('strava,polar')).toThrow(/polar.*synthetic, strava, garmin/);
  });

  it('generates a provider list importing only the chosen folders', () => {
    const source = providerListSource(['synthetic', 'strava'], '/tmp/synthetic-strava.descriptors.ts');
    expect(source).toContain(join('shared', 'providers', 'strava', 'client.ts'));
    expect(source).toContain(join('shared', 'providers', 'synthetic', 'client.ts'));
    expect(source).not.toContain(join('shared', 'providers', 'garmin'));
    expect(source).toContain('import { BUILTIN_DESCRIPTORS } from "/tmp/synthetic-strava.descriptors.ts";');
  });

  it.each([
    { providers: ['synthetic', 'strava'], defaultProvider: 'synthetic' },
    { providers: ['strava'], defaultProvider: 'strava' },
  ])(
    'bundles only $providers: the others are absent and the registry lists only them',
    async ({ providers, defaultProvider }) => {
      for (const fn of ['data', 'health']) {
        const outdir = join(OUT_ROOT, `${providers.join('-')}-${fn}`);
        const bundle = await bundleFunction(fn, { outdir, providers });
        const code = bundleCode(outdir);
        const inputs = Object.keys(bundle.metafile.inputs);
        for (const name of BUILTIN_PROVIDER_NAMES) {
          const included = providers.includes(name);
          expect(code.includes(apiBaseUrl(name)), `${fn}: ${name}'s API URL`).toBe(included);
          expect(
            inputs.some((input) => input.includes(`shared/providers/${name}/`)),
            `${fn}: ${name}'s files`,
          ).toBe(included);
        }
        if (fn === 'health') {
          // The health answer counts the registered providers and names the default one.
          const answer = await probeBundle(bundle.file);
          expect(answer).toMatchObject({ statusCode: 200, body: { status: 'ok', providers: providers.length, default_provider: defaultProvider } });
        }
      }
    },
    BUILD_TIMEOUT,
  );

  it(
    'bundles every provider by default, and no zod locale but English',
    async () => {
      const bundle = await bundleFunction('health', { outdir: join(OUT_ROOT, 'all-health') });
      // `import { z }` (instead of `import * as z`) or `z.core` anywhere drags all 64 locales in.
      const included = Object.values(bundle.metafile.outputs).flatMap((output) =>
        Object.entries(output.inputs)
          .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
          .map(([input]) => input),
      );
      const locales = included.filter((input) => input.includes('zod/v4/locales/'));
      expect(locales.map((input) => input.replace(/.*\/locales\//, ''))).toEqual(['en.js']);
      const code = bundleCode(dirname(bundle.file));
      for (const name of BUILTIN_PROVIDER_NAMES) expect(code.includes(apiBaseUrl(name)), name).toBe(true);
      expect(await probeBundle(bundle.file)).toMatchObject({
        statusCode: 200,
        body: { providers: BUILTIN_PROVIDER_NAMES.length, default_provider: 'synthetic' },
      });
    },
    BUILD_TIMEOUT,
  );

  it('lists the same descriptors as the providers, in the same order', () => {
    expect(descriptorRegistry().descriptors()).toEqual(providerRegistry.descriptors());
  });

  it('generates a descriptor list importing only the chosen descriptor modules', () => {
    const source = descriptorListSource(['synthetic', 'strava']);
    expect(source).toContain(join('shared', 'providers', 'strava', 'descriptor.ts'));
    expect(source).not.toContain('index.ts');
    expect(source).not.toContain(join('shared', 'providers', 'garmin'));
    expect(source).toContain('export const BUILTIN_DESCRIPTORS = [synthetic, strava];');
  });

  // Strings only the providers' clients hold (their descriptors do not).
  const IMPLEMENTATION_MARKERS = ['/athlete/activities', '/v2/activity/sleep'];

  it.each(['health', 'web', 'jobs', 'settings'])(
    'bundles no provider implementation into %s, only the descriptors',
    async (fn) => {
      const bundle = await bundleFunction(fn, { outdir: join(OUT_ROOT, `lean-${fn}`) });
      const included = Object.values(bundle.metafile.outputs).flatMap((output) =>
        Object.entries(output.inputs)
          .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
          .map(([input]) => input),
      );
      const providerFiles = included.filter((input) => /shared\/providers\/[a-z]+\//.test(input));
      expect(providerFiles.filter((input) => !input.endsWith('/descriptor.ts'))).toEqual([]);
      expect(providerFiles).toHaveLength(BUILTIN_PROVIDER_NAMES.length);
      const code = bundleCode(dirname(bundle.file));
      for (const marker of IMPLEMENTATION_MARKERS) expect(code.includes(marker), marker).toBe(false);
      for (const name of BUILTIN_PROVIDER_NAMES) expect(code.includes(apiBaseUrl(name)), `${name}'s descriptor`).toBe(true);
      if (fn === 'health') {
        expect(await probeBundle(bundle.file)).toMatchObject({
          statusCode: 200,
          body: { providers: BUILTIN_PROVIDER_NAMES.length, default_provider: 'synthetic' },
        });
      }
    },
    BUILD_TIMEOUT,
  );

  it(
    'bundles every provider implementation where providers are called, each in a chunk loaded on first use',
    async () => {
      const outdir = join(OUT_ROOT, 'full-data');
      const bundle = await bundleFunction('data', { outdir });
      const all = bundleCode(outdir);
      const atInit = bundle.initFiles.map((file) => readFileSync(file, 'utf8')).join('\n');
      for (const marker of IMPLEMENTATION_MARKERS) {
        expect(all.includes(marker), marker).toBe(true);
        expect(atInit.includes(marker), `${marker} at init`).toBe(false);
      }
      // One chunk per provider implementation, named by the factory's import().
      const lazy = Object.entries(bundle.metafile.outputs).filter(([, o]) => o.entryPoint?.startsWith('shared/providers/'));
      expect(lazy.map(([, o]) => o.entryPoint!.replace(/^shared\/providers\/([a-z]+)\/.*/, '$1')).sort()).toEqual([...BUILTIN_PROVIDER_NAMES].sort());
      // Reading the files finds them among the chunks the entry imports with import().
      expect(lazyChunksOf(outdir)).toEqual(expect.arrayContaining(lazy.map(([file]) => relative(outdir, join(REPO_ROOT, file)))));

      // And what esbuild says the entry imports statically.
      const outputs = bundle.metafile.outputs;
      const closure = new Set<string>();
      const visit = (file: string) => {
        if (closure.has(file)) return;
        closure.add(file);
        for (const i of outputs[file]!.imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
      };
      visit(Object.keys(outputs).find((file) => outputs[file]!.entryPoint === 'functions/data.ts')!);
      expect(bundle.initFiles.map((file) => relative(REPO_ROOT, file)).sort()).toEqual([...closure].sort());
      expect(bundleLayout(outdir).totalBytes).toBe(
        Object.entries(outputs)
          .filter(([f]) => f.endsWith('.mjs'))
          .reduce((n, [, o]) => n + o.bytes, 0),
      );

      // A call loads its provider's chunk and no other: with every other provider's chunk deleted,
      // the synthetic provider still answers through the bundle.
      for (const [file, output] of Object.entries(outputs)) {
        if (output.entryPoint?.startsWith('shared/providers/') && !output.entryPoint.startsWith('shared/providers/synthetic/')) rmSync(join(REPO_ROOT, file));
      }
      expect(bundleLayout(outdir).allFiles.length).toBe(Object.keys(outputs).filter((f) => f.endsWith('.mjs')).length - (BUILTIN_PROVIDER_NAMES.length - 1));
      const answer = await probeBundle(bundle.file, '/activities?provider=synthetic&limit=2', { sub: 'probe-user', tenant_id: 'probe-tenant' });
      expect(answer.statusCode).toBe(200);
      expect(answer.body).toMatchObject({ provider: 'synthetic', activities: [{ provider: 'synthetic' }, { provider: 'synthetic' }] });
    },
    BUILD_TIMEOUT,
  );

  it(
    'bundles no MCP SDK runtime (types only) nor ajv in the mcp function, which answers both protocol eras through a provider chunk',
    async () => {
      const bundle = await bundleFunction('mcp', { outdir: join(OUT_ROOT, 'mcp') });
      expect(Object.keys(bundle.metafile.inputs).filter((input) => /node_modules\/(ajv|@modelcontextprotocol)/.test(input))).toEqual([]);
      const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };
      const claims = { sub: 'probe-user', tenant_id: 'probe-tenant' };
      const rpc = (id: number, method: string, params: unknown) =>
        requestBundle(bundle.file, { method: 'POST', path: '/mcp', headers, claims, body: JSON.stringify({ jsonrpc: '2.0', id, method, params }) });
      const init = await rpc(1, 'initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'probe', version: '1' } });
      expect(init).toMatchObject({ statusCode: 200, body: { result: { protocolVersion: '2025-11-25', serverInfo: { name: 'pierre-providers' } } } });
      const call = await rpc(2, 'tools/call', { name: 'get_activities', arguments: { provider: 'synthetic', limit: 1 } });
      expect(call).toMatchObject({
        statusCode: 200,
        body: { result: { structuredContent: { provider: 'synthetic', activities: [{ provider: 'synthetic' }] } } },
      });
      const envelope = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} };
      const modern = await requestBundle(bundle.file, {
        method: 'POST',
        path: '/mcp',
        headers: { ...headers, 'mcp-protocol-version': '2026-07-28' },
        claims,
        body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'server/discover', params: { _meta: envelope } }),
      });
      expect(modern).toMatchObject({
        statusCode: 200,
        body: { result: { resultType: 'complete', supportedVersions: expect.arrayContaining(['2026-07-28', '2025-11-25']) } },
      });
    },
    BUILD_TIMEOUT,
  );

  it(
    'bundles zod/mini only: no function bundle holds classic zod, and none of our files imports it',
    async () => {
      const isClassic = (input: string) => /node_modules\/zod\/(index\.js|v4\/index\.js|v4\/classic\/)/.test(input);
      for (const fn of functionFiles()) {
        const bundle = await bundleFunction(fn, { outdir: join(OUT_ROOT, `zod-${fn}`) });
        const inputs = bundle.metafile.inputs;
        const ours = Object.keys(inputs).filter((input) => !input.includes('node_modules/'));
        expect(ours.length, fn).toBeGreaterThan(10);
        for (const input of ours) {
          expect(
            inputs[input]!.imports.filter((i) => isClassic(i.path)).map((i) => i.path),
            `${fn}: ${input}`,
          ).toEqual([]);
        }
        const included = Object.values(bundle.metafile.outputs).flatMap((output) =>
          Object.entries(output.inputs)
            .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
            .map(([input]) => input),
        );
        expect(included.filter((input) => input.includes('node_modules/zod/v4/mini/')).length, fn).toBeGreaterThan(0);
        expect(included.filter(isClassic), fn).toEqual([]);
      }
    },
    BUILD_TIMEOUT,
  );
});
