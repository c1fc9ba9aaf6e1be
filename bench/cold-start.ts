/**
 * Cold starts end to end (npm run bench:cold-start): a fresh Node process per sample imports the
 * `data` bundle as Lambda would (AWS_LAMBDA_FUNCTION_NAME set, so the configuration comes from
 * Secrets Manager and every store is DynamoDB or SQS, all on moto at 127.0.0.1) and answers its
 * first request, a cache miss for a user of its own on the synthetic provider, then a second one.
 *
 * It compares the AWS SDK left to the runtime (resolved from this repository's node_modules, as
 * Lambda resolves its own copy) with the SDK bundled and split into lazy chunks, interleaved
 * round by round. Import is what Lambda's init phase runs; the first request includes loading
 * the SDK, fetching the secret and the DynamoDB reads and writes. A process whose requests do
 * not both answer 200 is counted as failed, with its answer, and left out of the medians.
 *
 *   npm run bench:cold-start -- [--runs 15] [--function data]
 */
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { availableParallelism, loadavg } from 'node:os';
import { NODE_OPTIONS, REPO_ROOT } from '../infra/bundling';
import { bundleFunction } from '../infra/esbuild';
import { provisionLambdaOnMoto } from '../test/support/lambda-env';
import { median } from './stats';
import { startBenchMoto, runBench } from './moto';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '15' }, function: { type: 'string', default: 'data' } } });
const RUNS = Number(args.runs);
/** The trace header Lambda sets on a sampled invocation. */
const SAMPLED_TRACE = 'Root=1-67a1b2c3-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1';
const FN = args.function!;

/** Runs in the fresh process: import, then two requests, each timed; prints one JSON line. */
const PROBE = `
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  const [file, user] = process.argv.slice(1);
  const t0 = performance.now();
  const { handler } = await import(file);
  const t1 = performance.now(); const c1 = cpu();
  const path = '/activities';
  const event = { version: '2.0', routeKey: 'GET ' + path, rawPath: path, rawQueryString: 'provider=synthetic&limit=5',
    queryStringParameters: { provider: 'synthetic', limit: '5' }, headers: {},
    requestContext: { http: { method: 'GET', path, sourceIp: '127.0.0.1' }, domainName: 'api.example.com', requestId: 'r1', routeKey: 'GET ' + path, stage: '$default',
      authorizer: { jwt: { claims: { sub: user, tenant_id: 'bench' }, scopes: null } } } };
  const context = { functionName: 'bench', awsRequestId: 'r1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench', memoryLimitInMB: '1024', getRemainingTimeInMillis: () => 10000 };
  const first = await handler(event, context);
  const t2 = performance.now(); const c2 = cpu();
  const second = await handler(event, context);
  const t3 = performance.now();
  if (first.statusCode !== 200 || second.statusCode !== 200) throw new Error('answered ' + first.statusCode + ' ' + first.body);
  console.log(JSON.stringify({ importMs: t1 - t0, firstMs: t2 - t1, warmMs: t3 - t2, importCpuMs: c1, firstCpuMs: c2 - c1 }));`;

interface Sample {
  importMs: number;
  firstMs: number;
  warmMs: number;
  importCpuMs: number;
  firstCpuMs: number;
}

async function main(): Promise<void> {
  const { endpoint, stop: stopMoto } = await startBenchMoto();
  try {
    const suffix = randomBytes(4).toString('hex');
    const lambda = await provisionLambdaOnMoto(endpoint, 'bench');

    const daemon = createSocket('udp4');
    let subsegments = 0;
    daemon.on('message', () => void subsegments++);
    await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
    const daemonAddress = `127.0.0.1:${(daemon.address() as AddressInfo).port}`;

    const builds = [
      { dir: 'runtime', externalSdk: true },
      { dir: 'bundled', externalSdk: false },
    ];
    const files = new Map<string, string>();
    for (const b of builds) {
      const built = await bundleFunction(FN, { outdir: join(REPO_ROOT, '.bundle-report', 'cold-start', b.dir), externalSdk: b.externalSdk });
      files.set(b.dir, built.file);
    }
    const baseEnv = {
      PATH: process.env['PATH'],
      ...lambda.env,
      NODE_OPTIONS,
      POWERTOOLS_LOG_LEVEL: process.env['POWERTOOLS_LOG_LEVEL'] ?? 'SILENT',
    };
    const variants: { label: string; key: string; build: string; env: Record<string, string | undefined> }[] = [
      { label: 'SDK from the runtime', key: 'r', build: 'runtime', env: baseEnv },
      { label: 'SDK bundled, lazy chunks (deployed)', key: 'b', build: 'bundled', env: baseEnv },
      {
        label: 'deployed + --enable-source-maps',
        key: 's',
        build: 'bundled',
        env: { ...baseEnv, NODE_OPTIONS: `${NODE_OPTIONS} --enable-source-maps`.trim() },
      },
      {
        label: 'deployed, traced (Sampled=1)',
        key: 't',
        build: 'bundled',
        env: { ...baseEnv, _X_AMZN_TRACE_ID: SAMPLED_TRACE, AWS_XRAY_DAEMON_ADDRESS: daemonAddress },
      },
    ];
    const samples = new Map<string, Sample[]>(variants.map((v) => [v.label, []]));
    /** Spawn to exit of each variant's process, and of the bare `node -e ''` spawned just before it. */
    const walls = new Map<string, { bare: number; own: number }[]>(variants.map((v) => [v.label, []]));
    /** Processes whose requests did not both answer 200: counted and shown, left out of the medians. */
    const failures = new Map<string, string[]>();
    const timedSpawn = (argv: string[], env: Record<string, string | undefined>) => {
      const start = performance.now();
      const result = spawnSync(process.execPath, argv, { env, encoding: 'utf8' });
      return { result, wallMs: performance.now() - start };
    };
    for (let round = 0; round < RUNS; round++) {
      for (const v of variants) {
        const bare = timedSpawn(['-e', ''], { PATH: process.env['PATH'] });
        const user = `user-${round}-${v.key}-${suffix}`;
        const { result, wallMs } = timedSpawn(['--input-type=module', '-e', PROBE, files.get(v.build)!, user], v.env);
        if (result.status === 0) {
          samples.get(v.label)!.push(JSON.parse(result.stdout.trim().split('\n').pop()!) as Sample);
          walls.get(v.label)!.push({ bare: bare.wallMs, own: wallMs });
        } else failures.set(v.label, [...(failures.get(v.label) ?? []), (/Error: (answered .*)/.exec(result.stderr)?.[1] ?? result.stderr).slice(0, 300)]);
      }
    }
    // The datagrams waited in the socket's buffer while spawnSync held this process.
    await new Promise((resolve) => setTimeout(resolve, 200));
    daemon.close();

    console.log(`Node ${process.version}, function ${FN}, ${RUNS} fresh processes per variant, NODE_OPTIONS='${NODE_OPTIONS}', moto on ${endpoint}`);
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${availableParallelism()} cores; medians`,
    );
    console.log('');
    const ms = (value: number) => `${value.toFixed(0)} ms`;
    const rows = variants.map((v) => {
      const list = samples.get(v.label)!;
      const pick = (key: keyof Sample) => median(list.map((s) => s[key]));
      const total = median(list.map((s) => s.importMs + s.firstMs));
      const wall = walls.get(v.label)!;
      const bareWall = median(wall.map((w) => w.bare));
      const ownWall = median(wall.map((w) => w.own));
      return [
        v.label,
        ms(pick('importMs')),
        ms(pick('firstMs')),
        ms(total),
        ms(pick('importCpuMs') + pick('firstCpuMs')),
        ms(pick('warmMs')),
        ms(bareWall),
        ms(ownWall),
        `${(ownWall / bareWall).toFixed(1)}x`,
        String(failures.get(v.label)?.length ?? 0),
      ];
    });
    const header = ['variant', 'import', 'first request', 'import + first', 'CPU of both', 'second request', 'bare node', 'spawn wall', 'x bare', 'failed'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const row of [header, ...rows]) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
    const traced = variants.find((v) => v.key === 't')!;
    console.log(`\nsubsegments received by the X-Ray socket from ${samples.get(traced.label)!.length} traced processes: ${subsegments}`);
    for (const [label, reasons] of failures) for (const reason of reasons) console.log(`failed (${label}): ${reason}`);
  } finally {
    await stopMoto();
  }
}

runBench(main);
