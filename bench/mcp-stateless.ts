/**
 * What statelessness costs and whether anything stays behind: the MCP Lambda handler answers
 * tools/list and tools/call (nothing kept between requests), next to the REST
 * handler answering the same data, in one process (ratios, not absolute times, are what count
 * on a shared machine). After each round the heap is measured after a forced GC: a per-session
 * or per-request leak would grow it with the number of requests.
 *
 *   npm run bench:mcp -- [requests] [rounds]
 */
import { setContainer, buildContainer } from '../shared/app/container';
import { invoke, claimsFor, type EventInput } from '../test/support/events';

const ROUNDS = Number(process.argv[3] ?? 3);
const requests = Number(process.argv[2] ?? 1000);
const claims = claimsFor('bench-user', 'bench-tenant');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const mcp = (method: string, params?: unknown): EventInput => ({
  method: 'POST',
  path: '/mcp',
  claims,
  headers: { accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
});

const CASES: [string, EventInput][] = [
  ['REST GET /activities?limit=5', { path: '/activities', query: { limit: '5' }, claims }],
  ['MCP tools/call get_activities', mcp('tools/call', { name: 'get_activities', arguments: { limit: 5 } })],
  ['MCP tools/list', mcp('tools/list')],
];

function heapKiB(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed / 1024;
}

async function time(input: EventInput): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < requests; i += 1) {
    const start = performance.now();
    const answer = await invoke(input);
    samples.push(performance.now() - start);
    if (answer.status !== 200 || answer.json.error) throw new Error(`failed: ${JSON.stringify(answer.json)}`);
  }
  return samples.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

setContainer(await buildContainer({ env: { ...process.env, PIERRE_LOG_LEVEL: 'ERROR', POWERTOOLS_LOG_LEVEL: 'ERROR' } }));
for (const [, input] of CASES) await time({ ...input }); // warm-up: modules, JIT, cache filled

console.log(`node ${process.version}, ${requests} requests per case and round, ${ROUNDS} rounds`);
const p50s = new Map<string, number>();
for (const [label, input] of CASES) {
  const heaps = [heapKiB()];
  let all: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    all = all.concat(await time(input));
    heaps.push(heapKiB());
  }
  all.sort((a, b) => a - b);
  p50s.set(label, pct(all, 50));
  const growth = heaps.slice(1).map((h, i) => (h - heaps[i]!).toFixed(0));
  console.log(
    `${label.padEnd(32)} p50 ${pct(all, 50).toFixed(3)} ms  p95 ${pct(all, 95).toFixed(3)} ms  heap ${heaps[0]!.toFixed(0)} KiB, growth per round of ${requests}: ${growth.join(' / ')} KiB`,
  );
}
const rest = p50s.get(CASES[0]![0])!;
console.log(`MCP tools/call p50 / REST p50: ${(p50s.get(CASES[1]![0])! / rest).toFixed(2)}x`);
