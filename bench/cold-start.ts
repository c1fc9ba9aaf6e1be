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

    const variants = [
      { label: 'SDK from the runtime', externalSdk: true },
      { label: 'SDK bundled, lazy chunks (deployed)', externalSdk: false },
    ];
    const files = new Map<string, string>();
    for (const v of variants) {
      const built = await bundleFunction(FN, {
        outdir: join(REPO_ROOT, '.bundle-report', 'cold-start', v.externalSdk ? 'runtime' : 'bundled'),
        externalSdk: v.externalSdk,
      });
      files.set(v.label, built.file);
    }
    const env = {
      PATH: process.env['PATH'],
      ...lambda.env,
      NODE_OPTIONS,
      POWERTOOLS_LOG_LEVEL: process.env['POWERTOOLS_LOG_LEVEL'] ?? 'SILENT',
    };
    const samples = new Map<string, Sample[]>(variants.map((v) => [v.label, []]));
    /** Processes whose requests did not both answer 200: counted and shown, left out of the medians. */
    const failures = new Map<string, string[]>();
    for (let round = 0; round < RUNS; round++) {
      for (const v of variants) {
        const user = `user-${round}-${v.externalSdk ? 'r' : 'b'}-${suffix}`;
        const result = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE, files.get(v.label)!, user], { env, encoding: 'utf8' });
        if (result.status === 0) samples.get(v.label)!.push(JSON.parse(result.stdout.trim().split('\n').pop()!) as Sample);
        else failures.set(v.label, [...(failures.get(v.label) ?? []), (/Error: (answered .*)/.exec(result.stderr)?.[1] ?? result.stderr).slice(0, 300)]);
      }
    }

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
      return [
        v.label,
        ms(pick('importMs')),
        ms(pick('firstMs')),
        ms(total),
        ms(pick('importCpuMs') + pick('firstCpuMs')),
        ms(pick('warmMs')),
        String(failures.get(v.label)?.length ?? 0),
      ];
    });
    const header = ['variant', 'import', 'first request', 'import + first', 'CPU of both', 'second request', 'failed'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const row of [header, ...rows]) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
    for (const [label, reasons] of failures) for (const reason of reasons) console.log(`failed (${label}): ${reason}`);
  } finally {
    await stopMoto();
  }
}

runBench(main);
