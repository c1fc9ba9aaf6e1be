/** The provider pages and matrices are what `npm run docs:providers` makes of today's descriptors and notes. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PROVIDERS } from '../../shared/providers/builtin';
import { providerDocs } from '../../local/provider-docs';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('the generated provider docs', () => {
  const files = providerDocs();

  it('has one page per built-in provider and a matrix in the README and the providers index', () => {
    for (const factory of BUILTIN_PROVIDERS) expect(files.has(`docs/providers/${factory.descriptor.name}.md`)).toBe(true);
    for (const path of ['README.md', 'docs/providers/README.md']) {
      expect(files.get(path)).toMatch(/<!-- provider-matrix:start -->\n\| Provider \|[\s\S]*\| `synthetic` \|[\s\S]*<!-- provider-matrix:end -->/);
    }
  });

  it('is up to date (run `npm run docs:providers` after changing a descriptor, a factory or a notes.md)', () => {
    for (const [path, content] of files) expect(read(path), path).toBe(content);
  });

  it('follows a descriptor change', () => {
    const strava = BUILTIN_PROVIDERS.find((f) => f.descriptor.name === 'strava')!;
    const page = files.get('docs/providers/strava.md')!;
    for (const url of Object.values(strava.descriptor.oauthEndpoints ?? {})) expect(page).toContain(url);
    for (const scope of strava.descriptor.defaultScopes ?? []) expect(page).toContain(scope);
  });
});
