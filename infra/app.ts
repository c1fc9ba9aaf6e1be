import { App } from 'aws-cdk-lib';
import { addNagChecks } from './nag';
import { PierreStack } from './stack';

const app = new App();

// Environment-agnostic on purpose: no lookups, so `cdk synth` needs neither credentials nor network.
// The account and region come from the deploying profile.
new PierreStack(app, 'PierreProviders', {
  description: 'Pierre fitness providers: HTTP API, Lambda functions, DynamoDB tables, SQS retry queue, config secret',
});

// cdk-nag's AwsSolutions checks: any unacknowledged finding fails the synth (infra/nag.ts).
addNagChecks(app);

app.synth();
