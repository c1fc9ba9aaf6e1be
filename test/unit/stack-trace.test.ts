/** Readable stack traces without `--enable-source-maps`: a minified bundle's trace mapped offline to its sources. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSourceMaps, mapStackTrace } from '../../local/stack-trace';

const dir = mkdtempSync(join(tmpdir(), 'pierre-stack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('offline stack traces', () => {
  it("maps a minified bundle's frames back to the TypeScript line that threw", async () => {
    const source = join(dir, 'thrower.ts');
    writeFileSync(
      source,
      [
        'export function outer(): never {',
        '  return inner(41);',
        '}',
        '',
        'function inner(n: number): never {',
        "  throw new Error('broken ' + n);",
        '}',
        '',
      ].join('\n'),
    );
    const out = join(dir, 'out');
    await build({
      entryPoints: [source],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      sourcemap: true,
      sourcesContent: false,
      outdir: out,
      outExtension: { '.js': '.mjs' },
    });
    // A plain Node process, as on Lambda: no source maps (this test runner enables them in its own).
    const probe = `const { outer } = await import(${JSON.stringify(join(out, 'thrower.mjs'))}); try { outer(); } catch (e) { console.log(e.stack); }`;
    const trace = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', env: { PATH: process.env['PATH'] } }).stdout;
    expect(trace).toMatch(/thrower\.mjs:1:\d+/);
    const mapped = mapStackTrace(trace, loadSourceMaps(out));
    expect(mapped).toMatch(/thrower\.ts:6:\d+/);
    expect(mapped).toMatch(/thrower\.ts:2:\d+/);
    expect(mapped.split('\n')[0]).toBe('Error: broken 41');
  });

  it('leaves frames of files it has no map for as they were', () => {
    const line = '    at node:internal/process/task_queues:95:5';
    expect(mapStackTrace(line, new Map())).toBe(line);
  });
});
