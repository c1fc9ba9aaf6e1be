/**
 * Bundle report (npm run bundle-report): bundles every function file with the local esbuild and
 * the stack's settings (infra/bundling.ts, split as infra/esbuild.ts deploys them), then prints
 * each bundle's minified JavaScript (what a cold start loads, and all of it, the providers' lazy
 * chunks included) and how long a fresh Node process needs to import it, beyond bare Node.
 *
 * Lazy chunks: for a bundle with provider chunks, how long the largest one takes to load in a
 * process that has imported the bundle: what a provider's first call in a container adds.
 *
 * Import time: each round starts `node -e ''` (bare), `node empty.mjs` (the ESM loader alone)
 * and `node <bundle>/index.mjs` for every bundle, one fresh process each, in that interleaved
 * order, with the NODE_OPTIONS the functions run with; the figures are medians over the rounds,
 * minus the bare median. The AWS SDK is bundled (infra/bundling.ts) into chunks loaded on first
 * use; with `--external-sdk` it resolves from this repository's node_modules instead, as it would
 * from the runtime's on Lambda.
 *
 * Builds: every provider (`all`) and a synthetic-only build, as PIERRE_PROVIDERS would select
 * them at synth time (infra/providers.ts); `--builds 'all;strava,synthetic'` chooses others.
 *
 *   npm run bundle-report -- [--runs 15] [--top 8] [--only health,data] [--builds 'all;synthetic'] [--external-sdk] [--node-options '']
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { functionFiles, NODE_OPTIONS, REPO_ROOT } from '../infra/bundling';
import { bundleFunction, type BuiltBundle } from '../infra/esbuild';
import { parseProviderSelection } from '../infra/providers';
import { median } from './stats';
import { runBench } from './moto';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    top: { type: 'string', default: '0' },
    only: { type: 'string' },
    builds: { type: 'string', default: 'all;synthetic' },
    'external-sdk': { type: 'boolean', default: false },
    'node-options': { type: 'string', default: NODE_OPTIONS },
  },
});

const RUNS = Number(args.runs);
const TOP = Number(args.top);
const OUT_ROOT = join(REPO_ROOT, '.bundle-report');

interface Build {
  label: string;
  providers?: string[];
}

interface Bundle extends BuiltBundle {
  build: string;
  fn: string;
  /** The largest chunk loaded on a provider's first call, if any. */
  lazy?: { file: string; source: string; bytes: number };
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(0)} kB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

async function bundle(target: Build, fn: string): Promise<Bundle> {
  const outdir = join(OUT_ROOT, target.label.replaceAll(',', '-'), fn);
  rmSync(outdir, { recursive: true, force: true });
  const built = await bundleFunction(fn, { outdir, providers: target.providers, externalSdk: args['external-sdk'] });
  return { build: target.label, fn, ...built, lazy: largestLazyChunk(built) };
}

/** The biggest provider implementation the bundle loads with `import()`. */
function largestLazyChunk(built: BuiltBundle): Bundle['lazy'] {
  const lazy = Object.entries(built.metafile.outputs)
    .filter(([file, output]) => file.endsWith('.mjs') && output.entryPoint?.startsWith('shared/providers/') && !built.initFiles.includes(join(REPO_ROOT, file)))
    .map(([file, output]) => ({ file: join(REPO_ROOT, file), source: output.entryPoint!, bytes: output.bytes }))
    .sort((a, b) => b.bytes - a.bytes);
  return lazy[0];
}

interface Sample {
  /** Wall time of the whole process as the parent sees it. */
  wallMs: number;
  /** User + system CPU time the process used (all its threads), reported by itself at exit. */
  cpuMs: number;
}

/** A CommonJS preload (given to every process, bare ones too) that prints the process's CPU time at exit. */
const CPU_PROBE = `process.on('exit', () => { const u = process.cpuUsage(); require('fs').writeSync(2, '\\ncpu ' + (u.user + u.system) / 1000 + '\\n'); });`;

/** One fresh Node process. */
function timeProcess(probe: string, argv: string[]): Sample {
  const env = { PATH: process.env['PATH'], NODE_OPTIONS: args['node-options'] };
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--require', probe, ...argv], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const stderr = result.stderr.toString();
  if (result.status !== 0) throw new Error(`node ${argv.join(' ')} failed: ${stderr}`);
  const cpu = /\ncpu ([\d.]+)\n\s*$/.exec(stderr);
  if (!cpu) throw new Error(`node ${argv.join(' ')} reported no CPU time: ${stderr}`);
  return { wallMs, cpuMs: Number(cpu[1]) };
}

/** Milliseconds to import `chunk` in a fresh process that has imported `entry` first. */
function timeLazyLoad(entry: string, chunk: string): number {
  const script = `await import(${JSON.stringify(entry)}); const t = performance.now(); await import(${JSON.stringify(chunk)}); console.log(performance.now() - t);`;
  const env = { PATH: process.env['PATH'], NODE_OPTIONS: args['node-options'], POWERTOOLS_LOG_LEVEL: 'SILENT' };
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`loading ${chunk} failed: ${result.stderr}`);
  return Number(result.stdout.trim().split('\n').pop());
}

/** `shared/providers/terra/client.ts` -> `terra`. */
const chunkLabel = (source: string) => /shared\/providers\/([a-z]+)\//.exec(source)![1]!;

/** Where an input file's bytes belong: an npm package, or a folder of this repository. */
function owner(input: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (pkg) return pkg[1]!;
  const parts = input.split('/');
  return parts[0] === 'shared' && parts.length > 2 ? parts.slice(0, parts[1] === 'providers' && parts.length > 3 ? 3 : 2).join('/') : parts[0]!;
}

/** Who the bytes a cold start loads belong to, largest first. */
function topOwners(b: BuiltBundle, count: number): string[] {
  const totals = new Map<string, number>();
  const init = new Set(b.initFiles.map((file) => relative(REPO_ROOT, file)));
  for (const [file, output] of Object.entries(b.metafile.outputs)) {
    if (!init.has(file)) continue;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      totals.set(owner(input), (totals.get(owner(input)) ?? 0) + bytesInOutput);
    }
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${kb(bytes)}`);
}

async function main(): Promise<void> {
  if (!process.version.startsWith('v22.')) console.warn(`warning: measuring on Node ${process.version}, Lambda runs Node 22`);
  const builds: Build[] = args.builds.split(';').map((spec) => {
    const providers = parseProviderSelection(spec);
    return { label: providers ? providers.join(',') : 'all', providers };
  });
  const only = args.only?.split(',').map((s) => s.trim());
  const fns = functionFiles().filter((fn) => !only || only.includes(fn));

  const bundles: Bundle[] = [];
  for (const target of builds) for (const fn of fns) bundles.push(await bundle(target, fn));

  mkdirSync(OUT_ROOT, { recursive: true });
  const emptyModule = join(OUT_ROOT, 'empty.mjs');
  writeFileSync(emptyModule, '');
  const probe = join(OUT_ROOT, 'cpu-probe.cjs');
  writeFileSync(probe, CPU_PROBE);

  const bare: Sample[] = [];
  const empty: Sample[] = [];
  const samples = new Map<Bundle, Sample[]>(bundles.map((b) => [b, []]));
  timeProcess(probe, ['-e', '']); // warm the file cache before the first measured round
  for (let round = 0; round < RUNS; round++) {
    bare.push(timeProcess(probe, ['-e', '']));
    empty.push(timeProcess(probe, [emptyModule]));
    for (const b of bundles) samples.get(b)!.push(timeProcess(probe, [b.file]));
  }
  const lazyMs = new Map<Bundle, number[]>();
  for (const b of bundles.filter((b) => b.lazy)) {
    lazyMs.set(
      b,
      Array.from({ length: RUNS }, () => timeLazyLoad(b.file, b.lazy!.file)),
    );
  }
  const wall = (list: Sample[]) => median(list.map((s) => s.wallMs));
  const cpu = (list: Sample[]) => median(list.map((s) => s.cpuMs));
  const beyond = (list: Sample[]) => ({ wall: wall(list) - wall(bare), cpu: cpu(list) - cpu(bare) });

  console.log(
    `Node ${process.version}, ${RUNS} fresh processes each, NODE_OPTIONS='${args['node-options']}', SDK ${args['external-sdk'] ? 'left to the runtime' : 'bundled'}`,
  );
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores (wall times inflate on a busy machine; CPU times much less)`,
  );
  console.log(
    `bare node -e '': ${ms(wall(bare))} wall, ${ms(cpu(bare))} CPU (medians); an empty .mjs: +${ms(beyond(empty).wall)} wall, +${ms(beyond(empty).cpu)} CPU`,
  );
  console.log('');
  const rows = bundles.map((b) => ({
    build: b.build,
    function: b.fn,
    'init js': kb(b.initBytes),
    'all js': kb(b.totalBytes),
    map: kb(b.mapBytes),
    'import, wall beyond bare': `+${ms(beyond(samples.get(b)!).wall)}`,
    'CPU beyond bare': `+${ms(beyond(samples.get(b)!).cpu)}`,
    'largest lazy chunk, load': b.lazy ? `${chunkLabel(b.lazy.source)} ${kb(b.lazy.bytes)}, +${ms(median(lazyMs.get(b)!))}` : '-',
    ...(TOP > 0 ? { 'largest at init': topOwners(b, TOP).join(', ') } : {}),
  }));
  const columns = Object.keys(rows[0]!) as (keyof (typeof rows)[number])[];
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(line(columns));
  for (const row of rows) console.log(line(columns.map((c) => String(row[c]))));
  console.log('');
  console.log(`bundles in ${relative(process.cwd(), OUT_ROOT) || '.'}/<build>/<function>/index.mjs`);
}

runBench(main);
