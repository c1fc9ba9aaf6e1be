/**
 * `npm start` remembers: the signing secret, the token key, the stores and the simulators'
 * grants live in a state folder, so a restart keeps tokens and connections; `fresh` forgets
 * them; a busy port is answered with one line naming PORT.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEV_USER, startLocalServer } from '../../local/app';
import { StateDir } from '../../local/state-dir';
import { buildContainer } from '../../shared/app/container-core';
import { startClient } from '../support/provider-flow';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
const stateDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'pierre-state-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const get = (url: string, token: string) => fetch(url, { headers: { authorization: `Bearer ${token}`, 'cache-control': 'no-store' } });

describe('a local run that remembers', () => {
  it('keeps a token valid and a connection usable across a restart on the same folder', async () => {
    const dir = stateDir();
    const first = await startClient({ stateDir: dir }, DEV_USER.user, DEV_USER.tenant);
    expect((await first.connect('strava')).status).toBe(200);
    const stored = await first.server.container.connections.get({ tenantId: DEV_USER.tenant, userId: DEV_USER.user, provider: 'strava' });
    await first.server.close();

    // Our stores keep tokens sealed on disk (the simulators, standing in for the providers, hold
    // their own grants in their entries), and every file is the owner's only.
    const { 'sim-strava': simulatorSide, ...ours } = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as Record<string, unknown>;
    expect(stored?.accessToken).toBeTruthy();
    expect(JSON.stringify(simulatorSide)).toContain(stored!.accessToken);
    expect(JSON.stringify(ours)).toContain('connections');
    expect(JSON.stringify(ours)).not.toContain(stored!.accessToken);
    expect(JSON.stringify(ours)).not.toContain(stored!.refreshToken);
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).mode & 0o777, name).toBe(0o600);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    const second = await startLocalServer({ stateDir: dir });
    try {
      const connections = await get(`${second.url}/connections`, first.token);
      expect(connections.status).toBe(200);
      expect((await connections.json()).providers.strava).toMatchObject({ connected: true, status: 'connected' });
      // The simulator still knows the grant, so the stored tokens still read data.
      const activities = await get(`${second.url}/activities?provider=strava&limit=3`, first.token);
      expect(activities.status).toBe(200);
      expect((await activities.json()).activities).toHaveLength(3);
    } finally {
      await second.close();
    }
  });

  it('starts empty with fresh: old tokens refused, no connections', async () => {
    const dir = stateDir();
    const first = await startClient({ stateDir: dir }, DEV_USER.user, DEV_USER.tenant);
    expect((await first.connect('strava')).status).toBe(200);
    await first.server.close();

    const again = await startLocalServer({ stateDir: dir, fresh: true });
    try {
      expect((await get(`${again.url}/connections`, first.token)).status).toBe(401);
      const token = await again.issueToken(DEV_USER.user, DEV_USER.tenant);
      expect((await (await get(`${again.url}/connections`, token)).json()).providers.strava).toMatchObject({ connected: false });
    } finally {
      await again.close();
    }
  });

  it('is refused on Lambda, where nothing is kept on local disk', async () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const env = {
      AWS_LAMBDA_FUNCTION_NAME: 'pierre-data',
      PIERRE_TOKEN_KEYS: JSON.stringify([{ id: 'k1', key }]),
      PIERRE_CONNECTIONS_TABLE: 'connections',
      PIERRE_CACHE_TABLE: 'cache',
      PIERRE_RETRY_QUEUE_URL: 'http://127.0.0.1:1/queue',
    };
    await expect(buildContainer({ env, persistence: new StateDir(stateDir()) })).rejects.toThrow(/keeps nothing on local disk/);
  });

  it('keeps nothing without a state folder', async () => {
    const first = await startClient({}, DEV_USER.user, DEV_USER.tenant);
    await first.server.close();
    const second = await startLocalServer();
    try {
      expect((await get(`${second.url}/connections`, first.token)).status).toBe(401);
    } finally {
      await second.close();
    }
  });

  it('`npm start -- --fresh` empties the folder, and says so', async () => {
    const dir = stateDir();
    writeFileSync(join(dir, 'dev-jwt-secret'), 'an-old-secret-from-an-earlier-run');
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', PIERRE_LOCAL_STATE_DIR: dir, POWERTOOLS_LOG_LEVEL: 'WARN' };
    for (const key of Object.keys(env)) if (key.startsWith('AWS_ENDPOINT')) delete env[key];
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/server.ts', '--fresh'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let output = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (/^eyJ/m.test(output)) resolve();
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
      });
      expect(output).toContain(`Kept across restarts in ${dir}`);
      expect(output).toContain(': emptied now');
      expect(readFileSync(join(dir, 'dev-jwt-secret'), 'utf8')).not.toBe('an-old-secret-from-an-earlier-run');
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);

  it('answers a busy port with one line that says to set PORT', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), PIERRE_LOCAL_STATE_DIR: stateDir(), POWERTOOLS_LOG_LEVEL: 'WARN' };
      for (const key of Object.keys(env)) if (key.startsWith('AWS_ENDPOINT')) delete env[key];
      const child = spawn(process.execPath, ['--import', 'tsx', 'local/server.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toEqual([`Port ${port} is already in use: set PORT to another one, e.g. PORT=${port + 1} npm start`]);
    } finally {
      blocker.close();
    }
  }, 60_000);
});
