/**
 * One function bundled through esbuild's API with the stack's settings (infra/bundling.ts): what
 * the stack deploys (NodejsFunction's bundle is rebuilt by this, split, in its afterBundling hook:
 * infra/split-bundle.ts), and what the bundle report and the tests measure.
 *
 * The bundle is split: `index.mjs` holds what every invocation needs, and each provider's
 * implementation (a dynamic `import()` in its factory, shared/providers/lazy.ts) is a chunk under
 * `chunks/`, loaded on that provider's first call. NodejsFunction cannot split by itself: it gives
 * esbuild `--outfile`, and esbuild splits only into an `outdir`.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { bundleLayout, CHUNK_DIR, ENTRY_FILE, type BundleLayout } from './bundle-files';
import { BUNDLE, externalModulesOf, REPO_ROOT } from './bundling';
import { providerListAlias } from './providers';

export interface BundleOptions {
  outdir: string;
  /** Only these providers (PIERRE_PROVIDERS); all when undefined. */
  providers?: readonly string[];
  /** Leave the AWS SDK to the runtime instead of bundling it (for comparison). */
  externalSdk?: boolean;
}

export interface BuiltBundle extends BundleLayout {
  /** The entry, `<outdir>/index.mjs`. */
  file: string;
  mapBytes: number;
  metafile: Metafile;
}

export async function bundleFunction(fn: string, options: BundleOptions): Promise<BuiltBundle> {
  const file = join(options.outdir, ENTRY_FILE);
  // A rebuild into the same directory must not leave the previous build's chunks behind.
  for (const stale of [ENTRY_FILE, `${ENTRY_FILE}.map`, CHUNK_DIR]) rmSync(join(options.outdir, stale), { recursive: true, force: true });
  const result = await build({
    entryPoints: { index: join(REPO_ROOT, 'functions', `${fn}.ts`) },
    outdir: options.outdir,
    absWorkingDir: REPO_ROOT,
    splitting: true,
    chunkNames: `${CHUNK_DIR}/[name]-[hash]`,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: BUNDLE.format,
    target: BUNDLE.target,
    minify: BUNDLE.minify,
    sourcemap: BUNDLE.sourceMap,
    sourcesContent: BUNDLE.sourcesContent,
    mainFields: [...BUNDLE.mainFields],
    banner: { js: BUNDLE.banner },
    external: externalModulesOf(fn, { externalSdk: options.externalSdk }),
    alias: options.providers ? providerListAlias(options.providers) : {},
    metafile: true,
    logLevel: 'warning',
  });
  const mapBytes = Object.keys(result.metafile.outputs)
    .filter((output) => output.endsWith('.map'))
    .reduce((sum, output) => sum + statSync(join(REPO_ROOT, output)).size, 0);
  return { file, mapBytes, metafile: result.metafile, ...bundleLayout(options.outdir) };
}
