/**
 * Reading a provider's own settings (`PIERRE_<P>_<KEY>`, in `config.settings`). A value that
 * is set but invalid stops the container at start-up with a message naming the variable, so a
 * typo is found at deploy time instead of on some user's first request.
 */
import { ConfigError } from '../config/raw';
import { providerEnvPrefix } from '../config/provider-config';

function intSetting(
  provider: string,
  settings: Readonly<Record<string, string | undefined>>,
  key: string,
  range: { min: number; max: number; fallback: number },
): number;
function intSetting(
  provider: string,
  settings: Readonly<Record<string, string | undefined>>,
  key: string,
  range: { min: number; max: number; fallback?: undefined },
): number | undefined;
function intSetting(
  provider: string,
  settings: Readonly<Record<string, string | undefined>>,
  key: string,
  { min, max, fallback }: { min: number; max: number; fallback?: number | undefined },
): number | undefined {
  const value = settings[key]?.trim();
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new ConfigError(`${providerEnvPrefix(provider)}${key} must be a whole number from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

/** `PIERRE_<P>_TIMEOUT_SECS`: the longest one provider call may take (the invocation's deadline may cut it shorter). */
export function timeoutSetting(provider: string, settings: Readonly<Record<string, string | undefined>>): number | undefined {
  const secs = intSetting(provider, settings, 'TIMEOUT_SECS', { min: 1, max: 900 });
  return secs === undefined ? undefined : secs * 1000;
}

interface IntSettingInput {
  readonly min: number;
  readonly max: number;
  readonly default?: number;
}
type IntValues<S> = { -readonly [K in keyof S]: S[K] extends { default: number } ? number : number | undefined };

/** A descriptor's whole-number settings, read and checked (a bad value throws a ConfigError naming it). */
export function readIntSettings<S extends Readonly<Record<string, IntSettingInput>>>(
  provider: string,
  specs: S,
  settings: Readonly<Record<string, string | undefined>>,
): IntValues<S> {
  const values: Record<string, number | undefined> = {};
  for (const [key, { min, max, default: fallback }] of Object.entries(specs)) {
    values[key] = fallback === undefined ? intSetting(provider, settings, key, { min, max }) : intSetting(provider, settings, key, { min, max, fallback });
  }
  return values as IntValues<S>;
}

/** Every setting a provider declares plus the common ones; called when a provider is created, so start-up fails on a typo. */
export function checkSettings(
  descriptor: { name: string; intSettings: Readonly<Record<string, IntSettingInput>> },
  settings: Readonly<Record<string, string | undefined>>,
): void {
  timeoutSetting(descriptor.name, settings);
  readIntSettings(descriptor.name, descriptor.intSettings, settings);
}
