/**
 * One function bundled through esbuild's API with the stack's settings (infra/bundling.ts),
 * for the bundle report and the tests: the same output NodejsFunction produces at synth.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { BUNDLE, externalModulesOf, REPO_ROOT } from './bundling';
import { providerListAlias } from './providers';

export interface BundleOptions {
  outdir: string;
  /** Only these providers (PIERRE_PROVIDERS); all when undefined. */
  providers?: readonly string[];
  /** Bundle the AWS SDK instead of leaving it to the runtime. */
  bundleSdk?: boolean;
}

export interface BuiltBundle {
  file: string;
  jsBytes: number;
  mapBytes: number;
  metafile: Metafile;
}

export async function bundleFunction(fn: string, options: BundleOptions): Promise<BuiltBundle> {
  const file = join(options.outdir, 'index.mjs');
  const result = await build({
    entryPoints: [join(REPO_ROOT, 'functions', `${fn}.ts`)],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: BUNDLE.format,
    target: BUNDLE.target,
    minify: BUNDLE.minify,
    sourcemap: BUNDLE.sourceMap,
    sourcesContent: BUNDLE.sourcesContent,
    mainFields: [...BUNDLE.mainFields],
    banner: { js: BUNDLE.banner },
    external: externalModulesOf(fn).filter((name) => !(options.bundleSdk && name.startsWith('@aws-sdk/'))),
    alias: options.providers ? providerListAlias(options.providers) : {},
    metafile: true,
    logLevel: 'warning',
  });
  return { file, jsBytes: statSync(file).size, mapBytes: statSync(`${file}.map`).size, metafile: result.metafile };
}
