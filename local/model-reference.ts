/**
 * Prints the model reference of docs/model.md, generated from the zod schemas' descriptions;
 * with `--write` (npm run docs:model) puts it between the page's markers instead.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { modelReference } from '../shared/models/reference';

if (process.argv.includes('--write')) {
  const page = new URL('../docs/model.md', import.meta.url);
  const text = readFileSync(page, 'utf8');
  const section = /(<!-- model-reference:start -->\n)[\s\S]*?(<!-- model-reference:end -->)/;
  if (!section.test(text)) throw new Error('docs/model.md has no model-reference markers');
  writeFileSync(
    page,
    text.replace(section, (_, start: string, end: string) => `${start}${modelReference()}${end}`),
  );
} else {
  process.stdout.write(modelReference());
}
