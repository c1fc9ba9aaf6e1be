/**
 * `tsx infra/split-bundle.ts <function> <outdir> [providers]`: NodejsFunction's afterBundling
 * step. It replaces the single-file bundle NodejsFunction wrote into `<outdir>` with the split
 * build of infra/esbuild.ts (same settings, each provider's implementation in its own chunk).
 */
import { bundleFunction } from './esbuild';
import { parseProviderSelection } from './providers';

const [fn, outdir, providers] = process.argv.slice(2);
if (!fn || !outdir) throw new Error('usage: tsx infra/split-bundle.ts <function> <outdir> [providers]');
await bundleFunction(fn, { outdir, providers: parseProviderSelection(providers) });
