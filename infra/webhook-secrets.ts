/**
 * Webhook secrets the stack must hand to the webhooks function. Kept apart from
 * infra/providers.ts, which the bundling scripts load and which must not pull in the CDK.
 */
import { SecretValue } from 'aws-cdk-lib';
import { BUILTIN_PROVIDER_NAMES } from './providers';

/**
 * Garmin signs nothing: wherever the service is deployed with the Garmin provider, its webhook
 * route must be authenticated by a secret of ours (the registered URL carries `?secret=`), or a
 * stranger's deliveries would be indistinguishable from Garmin's. The secret lives in Secrets
 * Manager (`secretName`, created by the operator); the webhooks function receives it as
 * `PIERRE_GARMIN_WEBHOOK_SECRET` through a CloudFormation dynamic reference, so the template
 * holds only its name. Throws when Garmin is deployed without it.
 */
export function garminWebhookSecretEnv(providers: readonly string[] | undefined, secretName: string | undefined): Record<string, string> {
  if (!(providers ?? BUILTIN_PROVIDER_NAMES).includes('garmin')) return {};
  if (!secretName) {
    throw new Error(
      'The Garmin provider is deployed without a webhook secret: Garmin signs nothing, so its webhook route must be authenticated. ' +
        'Create a Secrets Manager secret holding a long random value (plain text, URL-safe) and name it in the stage file ' +
        '(`"garminWebhookSecret": "<name or ARN>"` in infra/stages/<stage>.json), or leave Garmin out of its `providers`',
    );
  }
  return { PIERRE_GARMIN_WEBHOOK_SECRET: SecretValue.secretsManager(secretName).unsafeUnwrap() };
}
