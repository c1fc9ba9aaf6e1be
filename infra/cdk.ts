/**
 * `npm run synth|deploy|destroy -- --stage <name> [cdk options]`: the CDK CLI with the stage
 * chosen once. Deploys and destroys name a stage (never the example); a synth defaults to the
 * example stage, which needs no AWS account.
 */
import { spawnSync } from 'node:child_process';
import { EXAMPLE_STAGE, loadStage } from './stage';

const [command, ...args] = process.argv.slice(2);
if (command !== 'synth' && command !== 'deploy' && command !== 'destroy' && command !== 'diff') {
  console.error('usage: tsx infra/cdk.ts synth|diff|deploy|destroy --stage <name> [cdk options]');
  process.exit(2);
}
let stage: string | undefined;
const rest: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (arg === '--stage') stage = args[++i];
  else if (arg.startsWith('--stage=')) stage = arg.slice('--stage='.length);
  else rest.push(arg);
}
if (command !== 'synth' && (stage === undefined || stage === EXAMPLE_STAGE)) {
  console.error(`npm run ${command} needs --stage <name>, with infra/stages/<name>.json filled in (copy infra/stages/${EXAMPLE_STAGE}.json)`);
  process.exit(2);
}
stage ??= EXAMPLE_STAGE;
try {
  loadStage(stage); // fails here, in one line, rather than inside the CDK's stack trace
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const result = spawnSync('cdk', [command, '--no-notices', '-c', `stage=${stage}`, ...rest], {
  stdio: 'inherit',
  env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
});
process.exit(result.status ?? 1);
