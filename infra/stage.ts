/**
 * Deployment stages as files: `infra/stages/<name>.json` holds everything a deploy of that stage
 * needs that is not a secret (issuer, audience, providers, alarm address, domain, limits,
 * non-secret PIERRE_* settings), so a redeploy is always the same deploy. `npm run deploy --
 * --stage prod` reads `infra/stages/prod.json`; the `example` stage is for offline synths only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from '../shared/zod';
import { LAMBDA_NAMES } from './functions';

const STAGES_DIR = fileURLToPath(new URL('./stages', import.meta.url));

/** The stage the offline synth uses: placeholders allowed, never deployed. */
export const EXAMPLE_STAGE = 'example';

const STAGE_NAME = /^[a-z][a-z0-9-]{0,23}$/;

/** Keys that hold secrets: they belong in the configuration secret, never in a stage file (it is committed). */
const SECRET_KEY = /SECRET|TOKEN_KEYS|PASSWORD|PRIVATE|API_KEY|_KEY$/;

const throttle = z.object({ rate: z.number().check(z.int(), z.positive()), burst: z.number().check(z.int(), z.positive()) });
const count = z.number().check(z.int(), z.positive());

const StageSchema = z.strictObject({
  /** CloudFormation stack name; default `Pierre-<stage>`. Set it to `PierreProviders` to keep a stack deployed before stages existed. */
  stackName: z.optional(z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/))),
  jwt: z.strictObject({ issuer: z.url(), audience: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)) }),
  /** Providers bundled and deployed; default every built-in one. */
  providers: z.optional(z.array(z.string()).check(z.minLength(1))),
  /** Secrets Manager secret (name or ARN) holding the secret PIERRE_* keys; created and filled by the operator, never by a deploy. */
  configSecret: z.optional(z.string().check(z.minLength(1))),
  /** Secret (name or ARN) Garmin deliveries carry as `?secret=`; required while Garmin is deployed. */
  garminWebhookSecret: z.optional(z.string().check(z.minLength(1))),
  alarms: z.optional(z.strictObject({ email: z.optional(z.email()), topicArn: z.optional(z.string().check(z.startsWith('arn:'))) })),
  /** A custom domain for the API (its certificate in ACM, same region): the public base URL, so provider apps survive a new stack. */
  domain: z.optional(
    z.strictObject({
      name: z.string().check(z.regex(/^(?!-)[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$/)),
      certificateArn: z.string().check(z.startsWith('arn:aws')),
    }),
  ),
  /** Requests per second (and burst) for the whole API stage, and for each webhook route. */
  throttle: z.optional(throttle),
  webhookThrottle: z.optional(throttle),
  /** The most concurrent retry-worker invocations SQS starts (the rest of the account's concurrency stays with the API). */
  retryWorkerConcurrency: z.optional(count.check(z.minimum(2), z.maximum(1000))),
  /** Concurrency reserved per function (`{"data": 50}`), when a function must never be starved or must never starve others. */
  reservedConcurrency: z.optional(z.record(z.string(), z.number().check(z.int(), z.nonnegative()))),
  deletionProtection: z.optional(z.boolean()),
  /** Non-secret PIERRE_* settings every function receives as environment variables. */
  settings: z.optional(z.record(z.string().check(z.regex(/^PIERRE_[A-Z0-9_]+$/)), z.string())),
});

export type Stage = z.output<typeof StageSchema>;

/** What marks a value as not filled in yet: the example stage's placeholders. */
const PLACEHOLDER = /example\.(com|org|net)|<[^>]*>|123456789012|REPLACE/i;

/** The placeholders a stage still holds (paths into the file), which a deployed stage must not. */
export function placeholdersIn(stage: Stage): string[] {
  const found: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string') {
      if (PLACEHOLDER.test(value)) found.push(path);
    } else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) walk(item, `${path}[${i}]`);
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) walk(item, path ? `${path}.${key}` : key);
    }
  };
  walk(stage, '');
  return found;
}

function parseStage(name: string, json: unknown): Stage {
  if (!STAGE_NAME.test(name)) throw new Error(`Stage name '${name}' must be lower-case letters, digits and dashes (at most 24), starting with a letter`);
  const parsed = StageSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`).join('; ');
    throw new Error(`infra/stages/${name}.json is not a valid stage: ${problems}`);
  }
  const stage = parsed.data;
  const secrets = Object.keys(stage.settings ?? {}).filter((key) => SECRET_KEY.test(key));
  if (secrets.length > 0) {
    throw new Error(
      `infra/stages/${name}.json: settings.${secrets.join(', settings.')} holds a secret: put it in the configuration secret, never in a stage file`,
    );
  }
  const unknown = Object.keys(stage.reservedConcurrency ?? {}).filter((fn) => !(LAMBDA_NAMES as readonly string[]).includes(fn));
  if (unknown.length > 0)
    throw new Error(`infra/stages/${name}.json: reservedConcurrency names no function ${unknown.join(', ')} (functions: ${LAMBDA_NAMES.join(', ')})`);
  const placeholders = name === EXAMPLE_STAGE ? [] : placeholdersIn(stage);
  if (placeholders.length > 0) {
    throw new Error(`infra/stages/${name}.json still holds placeholders (${placeholders.join(', ')}); fill them in before deploying the '${name}' stage`);
  }
  return stage;
}

export function loadStage(name: string, dir = STAGES_DIR): Stage {
  let text: string;
  try {
    text = readFileSync(join(dir, `${name}.json`), 'utf8');
  } catch {
    throw new Error(`No stage file infra/stages/${name}.json: copy infra/stages/${EXAMPLE_STAGE}.json and fill it in`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`infra/stages/${name}.json is not JSON: ${(error as Error).message}`);
  }
  return parseStage(name, json);
}

export const stackNameOf = (name: string, stage: Stage): string => stage.stackName ?? `Pierre-${name}`;

/** Where the configuration secret is, by default: one per stage. */
const defaultConfigSecret = (name: string): string => `pierre/${name}/config`;

/** The stack's props for a stage (infra/stack.ts reads nothing else). */
export function stackPropsOf(name: string, stage: Stage) {
  return {
    jwtIssuer: stage.jwt.issuer,
    jwtAudience: stage.jwt.audience,
    providers: stage.providers,
    configSecret: stage.configSecret ?? defaultConfigSecret(name),
    garminWebhookSecret: stage.garminWebhookSecret,
    alarmEmail: stage.alarms?.email,
    alarmTopicArn: stage.alarms?.topicArn,
    domain: stage.domain,
    throttle: stage.throttle,
    webhookThrottle: stage.webhookThrottle,
    retryWorkerConcurrency: stage.retryWorkerConcurrency,
    reservedConcurrency: stage.reservedConcurrency,
    deletionProtection: stage.deletionProtection,
    settings: stage.settings,
  };
}
