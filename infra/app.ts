import { App } from 'aws-cdk-lib';
import { addNagChecks } from './nag';
import { PierreStack } from './stack';
import { EXAMPLE_STAGE, loadStage, stackPropsOf, stackNameOf } from './stage';

const app = new App();

// One source for a deploy: the stage file (`npm run deploy -- --stage prod` passes `-c stage=prod`).
const stageName = String(app.node.tryGetContext('stage') ?? EXAMPLE_STAGE);
const stage = loadStage(stageName);

// Environment-agnostic on purpose: no lookups, so `cdk synth` needs neither credentials nor network.
// The account and region come from the deploying profile.
new PierreStack(app, stackNameOf(stageName, stage), {
  description: `Pierre fitness providers (${stageName}): HTTP API, Lambda functions, DynamoDB tables, SQS queues`,
  ...stackPropsOf(stageName, stage),
});

// cdk-nag's AwsSolutions and Serverless checks: any unacknowledged finding fails the synth (infra/nag.ts).
addNagChecks(app);

app.synth();
