/**
 * What one webhook delivery costs (npm run bench:webhooks): Garmin deliveries a stranger can
 * send without logging in, posted to the local server on DynamoDB (moto), all on 127.0.0.1.
 * For each: the answer, its time (median of RUNS), the DynamoDB calls it made and the most in
 * flight at once, counted at the SDK; and whether any call came after the answer.
 */
import { startLocalServer } from '../local/app';
import { MAX_WEBHOOK_USERS, USER_CONCURRENCY } from '../shared/app/webhooks';
import { countingDynamo } from '../test/support/counting-dynamo';
import { median } from './stats';
import { startBenchMoto, runBench } from './moto';

const RUNS = 5;
const TENANT = 'bench-tenant';
const USER = 'bench-user';

async function main(): Promise<void> {
  const { endpoint, stop: stopMoto } = await startBenchMoto();
  const dynamo = await countingDynamo({ connections: `bench-conn-${Date.now()}`, cache: `bench-cache-${Date.now()}` });
  // No history on connect: its worker's calls would be counted inside the measured deliveries.
  const server = await startLocalServer({ env: { PIERRE_BACKFILL_DAYS: '0' }, container: { stores: dynamo.stores } });
  try {
    const token = await server.issueToken(USER, TENANT);
    const connect = await (await fetch(`${server.url}/connect/garmin`, { headers: { authorization: `Bearer ${token}` } })).json();
    const consent = await fetch(connect.authorization_url, { redirect: 'manual' });
    if ((await fetch(consent.headers.get('location')!, { redirect: 'manual' })).status !== 200) throw new Error('connecting Garmin failed');
    const known = (await server.container.connections.get({ tenantId: TENANT, userId: USER, provider: 'garmin' }))!.providerUserId!;

    const bodies: [string, string][] = [
      ['600 distinct userIds', JSON.stringify({ activities: [known, ...Array.from({ length: 599 }, (_, i) => `u${i}`)].map((userId) => ({ userId })) })],
      [
        '5,000 copies of one userId',
        JSON.stringify({ activities: Array.from({ length: 5_000 }, () => ({ userId: known, summaryId: 's1', activityType: 'RUNNING' })) }),
      ],
      ['130,000 distinct userIds', JSON.stringify({ activities: Array.from({ length: 130_000 }, (_, i) => ({ userId: `u${i}`, summaryId: `s${i}` })) })],
      ['5,000 forged deregistrations', JSON.stringify({ deregistrations: Array.from({ length: 5_000 }, (_, i) => ({ userId: i === 0 ? known : `u${i}` })) })],
    ];
    console.log(
      `Webhook delivery costs (local server, DynamoDB on moto ${endpoint}, Node ${process.version}; ${MAX_WEBHOOK_USERS} users per delivery, ${USER_CONCURRENCY} at a time)`,
    );
    for (const [label, body] of bodies) {
      const times: number[] = [];
      let line = '';
      for (let run = 0; run < RUNS; run++) {
        dynamo.reset();
        const started = performance.now();
        const res = await fetch(`${server.url}/webhooks/garmin`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const text = await res.text();
        times.push(performance.now() - started);
        const atAnswer = dynamo.count();
        await new Promise((resolve) => setTimeout(resolve, 200));
        const queries = dynamo.count('QueryCommand');
        line = `${res.status} ${text}; ${atAnswer} DynamoDB calls (${queries} queries), at most ${dynamo.peakInFlight()} in flight, ${dynamo.count() - atAnswer} after the answer`;
      }
      console.log(`  ${label} (${(body.length / 1024).toFixed(0)} KiB): median ${median(times).toFixed(0)} ms over ${RUNS}; ${line}`);
    }
  } finally {
    await server.close();
    dynamo.destroy();
    await stopMoto();
  }
}

runBench(main);
