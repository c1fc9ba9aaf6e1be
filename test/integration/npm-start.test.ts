/** The README's `npm start`, as a real process: prints its URL and a token; a provider connects with no accounts. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('npm start', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'pierre-npm-start-'));
  let child: ChildProcess;
  let url: string;
  let token: string;

  beforeAll(async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', POWERTOOLS_LOG_LEVEL: 'WARN' };
    for (const key of Object.keys(env)) if (key.startsWith('PIERRE_') || key.startsWith('AWS_ENDPOINT')) delete env[key];
    env['PIERRE_LOCAL_STATE_DIR'] = stateDir;
    child = spawn('npm', ['start'], { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start printed no URL and token:\n${output}`)), 60_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        const jwt = /^(eyJ[\w-]+\.[\w-]+\.[\w-]+)$/m.exec(output);
        if (listening && jwt) {
          clearTimeout(timer);
          url = listening[1]!;
          token = jwt[1]!;
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
    });
  }, 90_000);

  afterAll(async () => {
    if (child?.pid && child.exitCode === null) {
      // The server writes its state folder once more as it exits: remove the folder after that.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
    rmSync(stateDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  it('serves the printed token, and Strava connects through its simulator', async () => {
    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(`${url}/providers`, { headers: auth })).status).toBe(200);

    const connect = await (await fetch(`${url}/connect/strava`, { headers: auth })).json();
    expect(connect.authorization_url).toContain(`${url}/sim/strava/`);
    const callback = await fetch(connect.authorization_url); // follows the redirect to /callback/strava
    expect(await callback.json()).toMatchObject({ provider: 'strava', connected: true });

    const activities = await (await fetch(`${url}/activities?provider=strava&limit=3`, { headers: auth })).json();
    expect(activities.provider).toBe('strava');
    expect(activities.activities).toHaveLength(3);
  });

  it('connects Fitbit through the Google Health simulator and serves every kind of its data', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const connect = await (await fetch(`${url}/connect/fitbit`, { headers: auth })).json();
    expect(connect.authorization_url).toContain(`${url}/sim/fitbit/o/oauth2/v2/auth`);
    const callback = await fetch(connect.authorization_url);
    expect(await callback.json()).toMatchObject({ provider: 'fitbit', connected: true });
    const get = async (path: string) => {
      const res = await fetch(`${url}${path}`, { headers: auth });
      expect(res.status, path).toBe(200);
      return res.json();
    };
    expect((await get('/activities?provider=fitbit&limit=3')).activities).toHaveLength(3);
    expect((await get('/sleep?provider=fitbit')).sleep_sessions.length).toBeGreaterThan(0);
    expect((await get('/recovery?provider=fitbit')).recovery.length).toBeGreaterThan(0);
    expect((await get('/health-metrics?provider=fitbit')).health_metrics.length).toBeGreaterThan(0);
    expect((await get('/athlete?provider=fitbit')).athlete.provider).toBe('fitbit');
  });
});
