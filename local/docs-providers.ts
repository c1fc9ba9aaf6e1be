/** `npm run docs:providers`: writes docs/providers/<name>.md and the provider matrices (local/provider-docs.ts). */
import { writeFileSync } from 'node:fs';
import { providerDocs } from './provider-docs';

for (const [path, content] of providerDocs()) {
  writeFileSync(new URL(`../${path}`, import.meta.url), content);
  process.stdout.write(`${path}\n`);
}
