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

const awsSolutions = (report: Report) => report.pluginReports.find((p) => p.pluginName === 'AwsSolutions')!;

describe('cdk-nag AwsSolutionsChecks', () => {
  it.each([
    ['no alarm topic', {}],
    ['a new alarm topic', { alarmEmail: 'ops@example.com' }],
    ['an existing alarm topic', { alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops' }],
    ['one provider, deletion protection off', { providers: ['synthetic'], deletionProtection: false }],
  ])('reports no unacknowledged finding with %s', (_label, props: PierreStackProps) => {
    const { report, error } = synthWithNag(props);
    const checks = awsSolutions(report);
    expect(checks.violations.map((v) => `${v.ruleName} ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`)).toEqual([]);
    expect(checks.conclusion).toBe('success');
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
      'AwsSolutions-SMG4',
    ]);
    // Exactly the public routes go without authorization; X-Ray's '*' is the only wildcard resource, once per function.
    const publicRoutes = ROUTES.filter((route) => !route.auth);
    expect(count('AwsSolutions-APIG4')).toBe(publicRoutes.length);
    for (const route of publicRoutes) expect(PUBLIC_ROUTE_REASONS[route.fn], route.path).toBeDefined();
    expect(count('AwsSolutions-IAM5[Resource::*]')).toBe(LAMBDA_NAMES.length);
    expect(count('AwsSolutions-L1')).toBe(LAMBDA_NAMES.length);
  });

  it('fails the synth on a finding nobody acknowledged', () => {
    const { report, error } = synthWithNag({}, (stack) => new Queue(stack, 'PlainQueue'));
    expect(String(error)).toMatch(/ValidationFailed/);
    const checks = awsSolutions(report);
    expect(checks.conclusion).toBe('failure');
    expect(checks.violations.map((v) => v.ruleName)).toContain('AwsSolutions-SQS4');
  });
});
