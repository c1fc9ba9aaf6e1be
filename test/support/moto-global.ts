/**
 * vitest globalSetup: one moto server (the AWS emulator) for the whole run, on a free loopback
 * port. Tests read its URL with `inject('motoEndpoint')` (see test/support/aws.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
/** Moto logs every request to stderr; keep only the tail for error messages. */
const STDERR_TAIL_CHARS = 8_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not determine a free port'));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = await freePort();
  const url = `http://${HOST}:${port}`;

  const child = spawn('python3', ['-m', 'moto.server', '-H', HOST, '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });

  const fail = async (reason: string): Promise<never> => {
    await stop(child);
    throw new Error(
      `moto server on ${url} ${reason}. Is Python moto installed (python3 -m moto.server)?\n` + `--- moto stderr (tail) ---\n${stderr || '(empty)'}`,
    );
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (spawnError) await fail(`could not be started: ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      await fail(`exited early (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    if (await answers(`${url}/moto-api/`)) break;
    if (Date.now() > deadline) await fail(`did not answer within ${START_TIMEOUT_MS / 1000} s`);
    await sleep(150);
  }

  project.provide('motoEndpoint', url);
  return () => stop(child);
}
