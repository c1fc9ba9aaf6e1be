/** The README stays a guide and the docs stay navigable: short, every relative link lands, no table cell is a wall of text. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url);
const PAGES = [
  'README.md',
  ...readdirSync(new URL('docs/', ROOT), { recursive: true, encoding: 'utf8' })
    .filter((p) => p.endsWith('.md'))
    .map((p) => `docs/${p}`),
];
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');

/** Anchors GitHub makes of a page's headings. */
function anchors(markdown: string): Set<string> {
  const headings = [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => m[1]!);
  return new Set(
    headings.map((h) =>
      h
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replaceAll(' ', '-'),
    ),
  );
}

describe('the documentation', () => {
  it('keeps the README to about 330 lines', () => {
    // A guide and an index: detail belongs in docs/ (it grew by the index rows of December's ten pages).
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(335);
  });

  it.each(PAGES)('%s: every relative link names a file (and heading) that exists', (page) => {
    const text = read(page).replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [file, anchor] = target!.split('#') as [string, string | undefined];
      const path = file === '' ? page : new URL(file, new URL(page, ROOT)).pathname.slice(ROOT.pathname.length);
      expect(existsSync(new URL(path, ROOT)), `${page} -> ${target}`).toBe(true);
      if (anchor && path.endsWith('.md')) expect(anchors(read(path)).has(anchor), `${page} -> ${target}`).toBe(true);
    }
  });

  it.each(PAGES)('%s: no table cell is over 400 characters', (page) => {
    for (const line of read(page)
      .split('\n')
      .filter((l) => l.startsWith('|'))) {
      for (const cell of line.split(/(?<!\\)\|/)) expect(cell.trim().length, `${page}: ${cell.slice(0, 60)}`).toBeLessThanOrEqual(400);
    }
  });
});
