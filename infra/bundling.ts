/**
 * How every Lambda is bundled, in one place: the stack hands these settings to NodejsFunction
 * (which runs the local esbuild), and `npm run bundle-report` hands the same settings to
 * esbuild's API, so the figures it prints are the figures of what gets deployed.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const FUNCTIONS_DIR = fileURLToPath(new URL('../functions/', import.meta.url));

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
} as const;

/**
 * The AWS SDK is bundled, not left to the copy the Lambda runtime ships: our code imports its
 * clients where first used, so they become lazy chunks that add nothing to the init phase, and
 * loading those minified chunks on the first request takes about 40 ms less than loading the
 * runtime's packages (`npm run bench:cold-start`). It also pins the SDK to this lockfile.
 */
const SDK_MODULES = '@aws-sdk/*';

/**
 * What a function leaves out of its bundle: for the web function esbuild (which only a source
 * checkout uses, to build the page's script; the deployed function reads it prebuilt); with
 * `externalSdk` (a comparison in the benchmarks) the AWS SDK as well.
 */
export function externalModulesOf(fn: string, { externalSdk = false } = {}): string[] {
  return [...(externalSdk ? [SDK_MODULES] : []), ...(fn === 'web' ? ['esbuild'] : [])];
}

/**
 * NODE_OPTIONS every function runs with: none. `--enable-source-maps` cost 7-10 ms wall and 9-13 ms
 * CPU of every cold start (`npm run bench:cold-start` measures it); stack traces are mapped
 * offline from the shipped `.map` files instead (`npm run stack-trace`).
 */
export const NODE_OPTIONS = '';

/**
 * Issue 13's target for one function's minified JavaScript, every provider bundled: what a cold
 * start loads (the entry and the chunks it imports statically). A provider's implementation is a
 * chunk loaded on its first call (infra/esbuild.ts), so it does not count here.
 */
const BUNDLE_TARGET_BYTES = 250_000;

/**
 * All of a function's JavaScript, lazy chunks included, may not grow past this: the bundled AWS
 * SDK's chunks (about 520 kB, most of them never loaded on Lambda: the SSO and profile credential
 * providers, say) and, where providers are called, the seven providers' chunks (about 135 kB).
 * The sizes measured when this was set, plus about 5 %.
 */
const TOTAL_CEILINGS: Record<string, number> = {
  // Measured on 2026-12-07 after issues 22-25 merged (events, records, tenant apps, erasure, history), plus about 2 %.
  callback: 900_000,
  connect: 900_000,
  connections: 902_000,
  users: 914_000,
  data: 914_000,
  health: 746_000,
  'health-check': 885_000,
  jobs: 754_000,
  settings: 751_000,
  'tenant-providers': 752_000,
  mcp: 963_000,
  providers: 896_000,
  'retry-worker': 928_000,
  endpoints: 754_000,
  events: 753_000,
  'delivery-worker': 748_000,
  web: 817_000,
  webhooks: 908_000,
};

/**
 * Functions over the cold-start target since issues 22-25 merged (measured 2026-12-07): the
 * composition root now builds the events, records and tenant-app stores for every function, and
 * these three load the most of it. A known regression, to be won back by building those adapters
 * lazily; held here so that it cannot grow unnoticed.
 */
const INIT_EXCEPTIONS: Record<string, number> = { mcp: 295_000, web: 285_000, 'retry-worker': 262_000 };

/** What a function may load at a cold start: the target, or its recorded exception. */
export function initLimitOf(fn: string): number {
  return INIT_EXCEPTIONS[fn] ?? BUNDLE_TARGET_BYTES;
}

/** The most JavaScript `fn`'s bundle may hold in all. */
export function totalLimitOf(fn: string): number {
  const limit = TOTAL_CEILINGS[fn];
  if (limit === undefined) throw new Error(`infra/bundling.ts sets no size ceiling for the function '${fn}'`);
  return limit;
}
