import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes';
import { LAMBDA_NAMES } from '../../infra/functions';
import { addNagChecks, PUBLIC_ROUTE_REASONS } from '../../infra/nag';
import { PierreStack, type PierreStackProps } from '../../infra/stack';

interface Violation {
  ruleName: string;
  reason?: string;
  violatingConstructs: { constructPath: string }[];
}
interface Report {
  pluginReports: { pluginName: string; conclusion: string; violations: Violation[]; suppressedViolations?: Violation[] }[];
}

const OUT_ROOT = mkdtempSync(join(tmpdir(), 'pierre-nag-test-'));
afterAll(() => rmSync(OUT_ROOT, { recursive: true, force: true }));

/** Synthesises the stack (functions unbundled: the checks read the template) with the app's cdk-nag checks. */
function synthWithNag(props: PierreStackProps = {}, extend?: (stack: PierreStack) => void): { report: Report; error?: unknown } {
  const outdir = mkdtempSync(join(OUT_ROOT, 'app-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new PierreStack(app, 'Nagged', { garminWebhookSecret: 'pierre/garmin-webhook', ...props });
  extend?.(stack);
  addNagChecks(app);
  let error: unknown;
  try {
    app.synth();
  } catch (thrown) {
    error = thrown;
  }
  return { report: JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as Report, error };
}

const pack = (report: Report, name: 'AwsSolutions' | 'Serverless') => report.pluginReports.find((p) => p.pluginName === name)!;
const awsSolutions = (report: Report) => pack(report, 'AwsSolutions');

// Each case synthesises the whole stack through both packs: seconds alone, much more on a loaded machine.
describe('cdk-nag AwsSolutions and Serverless checks', { timeout: 120_000 }, () => {
  it.each([
    ['no alarm topic', {}],
    ['a new alarm topic', { alarmEmail: 'ops@example.com' }],
    ['an existing alarm topic', { alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops' }],
    ['one provider, deletion protection off', { providers: ['synthetic'], deletionProtection: false }],
  ])('reports no unacknowledged finding with %s', (_label, props: PierreStackProps) => {
    const { report, error } = synthWithNag(props);
    for (const name of ['AwsSolutions', 'Serverless'] as const) {
      const checks = pack(report, name);
      expect(checks.violations.map((v) => `${v.ruleName} ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`)).toEqual([]);
      expect(checks.conclusion, name).toBe('success');
    }
    expect(error).toBeUndefined();
  });

  it('accepts only the findings infra/nag.ts names, each with its reason', () => {
    const suppressed = awsSolutions(synthWithNag().report).suppressedViolations ?? [];
    for (const finding of suppressed) expect(finding.reason?.length ?? 0, finding.ruleName).toBeGreaterThan(40);
    const count = (rule: string) => suppressed.filter((s) => s.ruleName === rule).flatMap((s) => s.violatingConstructs).length;
    const rules = [...new Set(suppressed.map((s) => s.ruleName))].sort();
    expect(rules).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-IAM5[Resource::*]',
      expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<HealthCheckFunction\w+\.Arn>:\*\]$/),
      'AwsSolutions-L1',
    ]);
    // Exactly the public routes go without authorization; X-Ray's '*' is the only wildcard resource, once per function.
    const publicRoutes = ROUTES.filter((route) => !route.auth);
    expect(count('AwsSolutions-APIG4')).toBe(publicRoutes.length);
    for (const route of publicRoutes) expect(PUBLIC_ROUTE_REASONS[route.fn], route.path).toBeDefined();
    expect(count('AwsSolutions-IAM5[Resource::*]')).toBe(LAMBDA_NAMES.length);
    expect(count('AwsSolutions-L1')).toBe(LAMBDA_NAMES.length);
    // X-Ray's '*' is excused on its own policies only, never on a role (where a future '*' would hide).
    const xray = suppressed.filter((s) => s.ruleName === 'AwsSolutions-IAM5[Resource::*]').flatMap((s) => s.violatingConstructs);
    for (const construct of xray) expect(construct.constructPath).toMatch(/FunctionXRay\/Resource$/);
  });

  it('accepts only the Serverless findings infra/nag.ts names, each scoped to its resource with its reason', () => {
    const suppressed = pack(synthWithNag({ alarmEmail: 'ops@example.com' }).report, 'Serverless').suppressedViolations ?? [];
    for (const finding of suppressed) expect(finding.reason?.length ?? 0, finding.ruleName).toBeGreaterThan(40);
    const paths = (rule: string) => suppressed.filter((s) => s.ruleName === rule).flatMap((s) => s.violatingConstructs.map((c) => c.constructPath));
    expect([...new Set(suppressed.map((s) => s.ruleName))].sort()).toEqual([
      'Serverless-LambdaDLQ',
      'Serverless-LambdaEventSourceMappingDestination',
      'Serverless-LambdaLatestVersion',
      'Serverless-SNSRedrivePolicy',
      'Serverless-SQSRedrivePolicy',
    ]);
    expect(paths('Serverless-LambdaDLQ')).toHaveLength(LAMBDA_NAMES.length);
    expect(paths('Serverless-LambdaLatestVersion')).toHaveLength(LAMBDA_NAMES.length);
    expect(paths('Serverless-LambdaEventSourceMappingDestination').sort()).toEqual([
      expect.stringMatching(/DeliveryWorkerFunction\/SqsEventSource/),
      expect.stringMatching(/RetryWorkerFunction\/SqsEventSource/),
    ]);
    expect(paths('Serverless-SQSRedrivePolicy').sort()).toEqual([
      expect.stringMatching(/DeliveryDeadLetterQueue\/Resource$/),
      expect.stringMatching(/RetryDeadLetterQueue\/Resource$/),
    ]);
    expect(paths('Serverless-SNSRedrivePolicy')).toHaveLength(1);
  });

  it('fails the synth on a finding nobody acknowledged', () => {
    const { report, error } = synthWithNag({}, (stack) => new Queue(stack, 'PlainQueue'));
    expect(String(error)).toMatch(/ValidationFailed/);
    const checks = awsSolutions(report);
    expect(checks.conclusion).toBe('failure');
    expect(checks.violations.map((v) => v.ruleName)).toContain('AwsSolutions-SQS4');
  });
});
