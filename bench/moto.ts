/**
 * What every benchmark on moto starts with: the tests' own moto launcher, the AWS SDK pointed at
 * it (with placeholder credentials), and one way to end a benchmark that failed.
 */
import type { TestProject } from 'vitest/node';
import startMoto from '../test/support/moto-global';

export interface BenchMoto {
  endpoint: string;
  stop: () => Promise<void>;
}

export async function startBenchMoto(): Promise<BenchMoto> {
  let endpoint = '';
  const stop = await startMoto({ provide: (_key: string, value: string) => void (endpoint = value) } as unknown as TestProject);
  process.env['AWS_ENDPOINT_URL'] = endpoint;
  process.env['AWS_REGION'] ??= 'us-east-1';
  process.env['AWS_ACCESS_KEY_ID'] ??= 'bench';
  process.env['AWS_SECRET_ACCESS_KEY'] ??= 'bench';
  return { endpoint, stop };
}

/** Runs a benchmark's main: a failure is printed and sets the exit code. */
export function runBench(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
