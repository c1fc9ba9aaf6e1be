/**
 * How every Lambda is bundled, in one place: the stack hands these settings to NodejsFunction
 * (which runs the local esbuild), and `npm run bundle-report` hands the same settings to
 * esbuild's API, so the figures it prints are the figures of what gets deployed.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FUNCTIONS_DIR = fileURLToPath(new URL('../functions/', import.meta.url));

/** Files in functions/ that are not a Lambda entry. */
const NOT_ENTRIES = new Set(['routes.ts']);

/** Every Lambda entry: `functions/<name>.ts` exporting `handler`, sorted by name. */
export function functionFiles(): string[] {
  return readdirSync(FUNCTIONS_DIR)
    .filter((file) => file.endsWith('.ts') && !NOT_ENTRIES.has(file))
    .map((file) => file.slice(0, -'.ts'.length))
    .sort();
}

export const BUNDLE = {
  format: 'esm',
  target: 'node22',
  minify: true,
  /** An external `index.mjs.map` beside the bundle (never inline: it would be parsed at every start). */
  sourceMap: true,
  /** Mappings only: stack traces need no copy of the sources, and a smaller map parses faster at start. */
  sourcesContent: false,
  mainFields: ['module', 'main'],
  // ESM bundles have no `require`; some CommonJS dependencies still call it.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  /** Left to the Lambda runtime, which ships the AWS SDK v3. */
  externalModules: ['@aws-sdk/*'],
} as const;

/**
 * What a function leaves out of its bundle: the SDK, and for the web function esbuild (which
 * only a source checkout uses, to build the page's script; the deployed function reads it prebuilt).
 */
export function externalModulesOf(fn: string): string[] {
  return [...BUNDLE.externalModules, ...(fn === 'web' ? ['esbuild'] : [])];
}

/** NODE_OPTIONS every function runs with. */
export const NODE_OPTIONS = '--enable-source-maps';

/** Issue 13's target for one function's minified JavaScript, every provider bundled. */
export const BUNDLE_TARGET_BYTES = 250_000;

/**
 * Functions not within the target yet, and the size they may not grow past (the size measured
 * when this was set, plus about 5 %): the ones that call providers carry every provider's client,
 * mappings and webhook code (about 137 kB for the seven), and mcp the MCP SDK with its own ajv
 * and classic zod. The synth test holds every bundle to its limit.
 */
const BUNDLE_CEILINGS: Partial<Record<string, number>> = {
  callback: 315_000,
  connect: 315_000,
  connections: 315_000,
  data: 320_000,
  'health-check': 300_000,
  mcp: 610_000,
  providers: 315_000,
  'retry-worker': 315_000,
  webhooks: 315_000,
};

export function bundleLimitOf(fn: string): number {
  return BUNDLE_CEILINGS[fn] ?? BUNDLE_TARGET_BYTES;
}
