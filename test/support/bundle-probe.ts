/** Loads a Lambda bundle in a fresh Node process, as Lambda does (ESM, the SDK from outside), and answers one API Gateway event. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const PROBE = `
  const { handler } = await import(process.argv[1]);
  if (typeof handler !== 'function') throw new Error('no handler export');
  const event = { version: '2.0', routeKey: 'GET /health', rawPath: '/health', rawQueryString: '', headers: {},
    requestContext: { http: { method: 'GET', path: '/health', sourceIp: '127.0.0.1' }, domainName: 'api.example.com', requestId: 'r1', routeKey: 'GET /health', stage: '$default' } };
  const context = { functionName: 'probe', awsRequestId: 'r1', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:probe', memoryLimitInMB: '512', getRemainingTimeInMillis: () => 1000 };
  const result = await handler(event, context);
  console.log(JSON.stringify({ statusCode: result.statusCode, body: JSON.parse(result.body || 'null') }));`;

export interface ProbeAnswer {
  statusCode: number;
  body: Record<string, unknown> | null;
}

/** The bundle's answer to `GET /health` (every function answers it: health with 200, the others with a 4xx). */
export async function probeBundle(file: string, env: Record<string, string> = {}): Promise<ProbeAnswer> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', PROBE, file], {
    env: { PATH: process.env['PATH'], POWERTOOLS_LOG_LEVEL: 'SILENT', ...env },
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as ProbeAnswer;
}
