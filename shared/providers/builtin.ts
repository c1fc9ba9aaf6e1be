/**
 * The built-in providers a build includes: one lazy factory per descriptor of
 * builtin-descriptors.ts (the one list of built-in providers), each loading its folder's
 * `client.ts` on first use. esbuild splits every `<name>/client.ts` the template import can
 * reach into a chunk of its own. A build that chose fewer providers (infra/providers.ts:
 * `PIERRE_PROVIDERS=strava,synthetic`) aliases `#builtin-providers` to a generated module
 * loading only those, so the others' code is not in the bundles at all.
 */
import { BUILTIN_DESCRIPTORS } from './builtin-descriptors';
import { lazyProviders, type ProviderModule } from './lazy';

export const BUILTIN_PROVIDERS = lazyProviders(BUILTIN_DESCRIPTORS, (name) => import(`./${name}/client.ts`) as Promise<ProviderModule>);

/** One built-in provider's factory, by name. */
export function builtinProvider(name: string) {
  const factory = BUILTIN_PROVIDERS.find((f) => f.descriptor.name === name);
  if (!factory) throw new Error(`no built-in provider '${name}'`);
  return factory;
}
