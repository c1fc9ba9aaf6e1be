/**
 * A provider's own settings (`PIERRE_<P>_<KEY>`, in `config.settings`) as a zod schema: the
 * descriptor's `settings` object turns the configured strings into typed values. It is parsed
 * when the provider is created, so a value that is set but invalid stops the container at
 * start-up with a message naming the variable: a typo is found at deploy time instead of on
 * some user's first request. Values are trimmed; a blank one counts as unset.
 */
import * as z from '../zod';
import { ConfigError } from '../config/raw';
import { providerEnvPrefix } from '../config/provider-config';

/** The settings schema of a descriptor: `PIERRE_<P>_<KEY>` keyed by `<KEY>`, each from an optional string. */
export type SettingsSchema = z.ZodMiniObject<Readonly<Record<string, z.ZodMiniType<unknown, string | undefined>>>>;

type WholeNumberSpec = { min: number; max: number; description: string };

/** A whole-number setting from `min` to `max`; `default` when unset, else undefined. */
export function wholeNumber(spec: WholeNumberSpec & { default: number }): z.ZodMiniType<number, string | undefined>;
export function wholeNumber(spec: WholeNumberSpec): z.ZodMiniType<number | undefined, string | undefined>;
export function wholeNumber({
  min,
  max,
  description,
  default: fallback,
}: WholeNumberSpec & { default?: number }): z.ZodMiniType<number | undefined, string | undefined> {
  const number = z.pipe(
    z.string().check(
      z.trim(),
      z.refine((s) => /^\d+$/.test(s) && Number(s) >= min && Number(s) <= max, {
        error: (issue) => `must be a whole number from ${min} to ${max}, got '${String(issue.input)}'`,
      }),
    ),
    // Never fails after the check above; it gives the JSON Schema (docs) its type and range.
    z.pipe(z.transform(Number), z.int().check(z.gte(min), z.lte(max))),
  );
  return (fallback === undefined ? z.optional(number) : z._default(number, fallback)).check(z.describe(description));
}

/** An absolute http(s) URL setting (unset: undefined). */
export function urlSetting(description: string) {
  return z.optional(z.url({ protocol: /^https?$/, error: (issue) => `must be an http(s) URL, got '${String(issue.input)}'` })).check(z.describe(description));
}

/** A free text setting (a path, a name), trimmed; with `fallback` when unset. */
export function textSetting(description: string, fallback: string) {
  return z._default(z.string().check(z.trim(), z.minLength(1)), fallback).check(z.describe(description));
}

/** One of `choices` (case as given); `fallback` when unset. */
export function choiceSetting<const C extends readonly [string, ...string[]]>(choices: C, fallback: C[number], description: string) {
  return z
    ._default(z.enum(choices, { error: (issue) => `must be one of ${choices.join(', ')}, got '${String(issue.input)}'` }), fallback)
    .check(z.describe(description));
}

/** Settings every provider has. */
const COMMON_SETTINGS = z.object({
  /** The longest one provider call may take (the invocation's deadline may cut it shorter). */
  TIMEOUT_SECS: wholeNumber({ min: 1, max: 900, description: 'The longest one provider call may take, in seconds' }),
  /** Whether the MCP tools (an AI assistant) may be served the provider's data; unset: the descriptor's `aiUse.allowed`. */
  AI_ACCESS: z
    .optional(z.enum(['true', 'false'], { error: (issue) => `must be true or false, got '${String(issue.input)}'` }))
    .check(z.describe("Whether AI assistants (the MCP tools) may be served this provider's data")),
});

const NO_SETTINGS = z.object({});

function parseWith<S extends SettingsSchema>(provider: string, schema: S, settings: Readonly<Record<string, string | undefined>>): z.output<S> {
  const given = Object.fromEntries(
    Object.entries(settings)
      .map(([key, value]) => [key, value?.trim()] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = z.safeParse(schema, given);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new ConfigError(`${providerEnvPrefix(provider)}${issue.path.join('_')} ${issue.message}`);
}

type Settings<S extends SettingsSchema> = z.output<typeof COMMON_SETTINGS> & z.output<S>;

const parsed = new WeakMap<object, WeakMap<object, unknown>>();

/**
 * A descriptor's settings, read and checked (a bad value throws a ConfigError naming it). Each
 * configuration is parsed once per schema: the lazy provider checks it at creation, the client
 * reads the same typed values.
 */
export function readSettings<S extends SettingsSchema = typeof NO_SETTINGS>(
  descriptor: { name: string; settings?: S | undefined },
  settings: Readonly<Record<string, string | undefined>>,
): Settings<S> {
  const schema = descriptor.settings ?? NO_SETTINGS;
  let bySettings = parsed.get(schema);
  if (!bySettings) parsed.set(schema, (bySettings = new WeakMap()));
  const known = bySettings.get(settings);
  if (known) return known as Settings<S>;
  const values = { ...parseWith(descriptor.name, COMMON_SETTINGS, settings), ...parseWith(descriptor.name, schema, settings) };
  bySettings.set(settings, values);
  return values as Settings<S>;
}

/** `PIERRE_<P>_TIMEOUT_SECS` in milliseconds, when set. */
export function timeoutSetting(provider: string, settings: Readonly<Record<string, string | undefined>>): number | undefined {
  const secs = parseWith(provider, COMMON_SETTINGS, settings).TIMEOUT_SECS;
  return secs === undefined ? undefined : secs * 1000;
}
