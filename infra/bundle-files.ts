/**
 * What a split function bundle is made of, read from its files: `index.mjs`, the chunks it imports
 * statically (loaded at every cold start) and the chunks it imports dynamically (a provider's
 * implementation, loaded on that provider's first call).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const ENTRY_FILE = 'index.mjs';
/** Where esbuild writes the chunks, beside the entry (infra/esbuild.ts). */
export const CHUNK_DIR = 'chunks';

// esbuild's minified output: `import{a as b}from"./chunks/x.mjs";`, `import"./x.mjs";`. A dynamic
// `import("./x.mjs")` has a parenthesis before its quote, so it does not match.
const STATIC_IMPORT = /\bimport\s*(?:[\w$*{},\s]*?\bfrom\s*)?"(\.\.?\/[^"]+\.mjs)"/g;
const DYNAMIC_IMPORT = /\bimport\("(\.\.?\/[^"]+\.mjs)"\)/g;

const importsOf = (file: string, pattern: RegExp): string[] => [...readFileSync(file, 'utf8').matchAll(pattern)].map((m) => resolve(dirname(file), m[1]!));

export interface BundleLayout {
  /** The entry and every chunk it imports statically, transitively: what a cold start loads. */
  initFiles: string[];
  /** Every JavaScript file of the bundle. */
  allFiles: string[];
  initBytes: number;
  totalBytes: number;
}

export function bundleLayout(dir: string): BundleLayout {
  const entry = join(dir, ENTRY_FILE);
  const init = new Set<string>();
  const visit = (file: string) => {
    if (init.has(file)) return;
    init.add(file);
    for (const imported of importsOf(file, STATIC_IMPORT)) visit(imported);
  };
  visit(entry);
  const chunkDir = join(dir, CHUNK_DIR);
  const chunks = existsSync(chunkDir)
    ? readdirSync(chunkDir)
        .filter((f) => f.endsWith('.mjs'))
        .map((f) => join(chunkDir, f))
    : [];
  const allFiles = [entry, ...chunks.sort()];
  const size = (files: Iterable<string>) => [...files].reduce((sum, file) => sum + statSync(file).size, 0);
  return { initFiles: [...init], allFiles, initBytes: size(init), totalBytes: size(allFiles) };
}

/** The chunks a cold start's files import with `import()`, relative to the bundle directory: loaded on first use. */
export function lazyChunksOf(dir: string): string[] {
  const { initFiles } = bundleLayout(dir);
  const lazy = new Set(initFiles.flatMap((file) => importsOf(file, DYNAMIC_IMPORT)));
  return [...lazy].map((file) => relative(dir, file)).sort();
}

/** All the bundle's JavaScript as one string, for tests that look for a piece of code anywhere in it. */
export function bundleCode(dir: string): string {
  return bundleLayout(dir)
    .allFiles.map((file) => readFileSync(file, 'utf8'))
    .join('\n');
}
