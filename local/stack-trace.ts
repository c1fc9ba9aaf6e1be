/**
 * Maps a deployed function's stack trace back to the TypeScript sources, offline, from the
 * `.map` files shipped beside the bundle (the functions run without `--enable-source-maps`,
 * which would cost every cold start). Frames that name no mapped file are printed unchanged.
 *
 *   npm run stack-trace -- <bundle directory or .map file> < trace.txt
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { basename, join } from 'node:path';

/** The source maps of a bundle directory (or one `.map` file), by the name of the file they map. */
export function loadSourceMaps(path: string): Map<string, SourceMap> {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((f) => f.endsWith('.map'))
        .map((f) => join(path, f))
    : [path];
  return new Map(files.map((file) => [basename(file, '.map'), new SourceMap(JSON.parse(readFileSync(file, 'utf8')) as SourceMapPayload)]));
}

/** `at fn (/var/task/index.mjs:1:2345)` or `at /var/task/chunk-X.mjs:1:99`: the file's name, line and column (1-based). */
const FRAME = /(\/?[^\s()]*?([^/\s()]+\.m?js)):(\d+):(\d+)/;

/** The trace with every frame of a mapped file replaced by its source position. */
export function mapStackTrace(trace: string, maps: ReadonlyMap<string, SourceMap>): string {
  return trace
    .split('\n')
    .map((line) => {
      const match = FRAME.exec(line);
      const map = match && maps.get(match[2]!);
      if (!match || !map) return line;
      const entry = map.findEntry(Number(match[3]) - 1, Number(match[4]) - 1);
      if (!('originalSource' in entry) || !entry.originalSource) return line;
      return line.replace(match[0], `${entry.originalSource.replace(/^(\.\.\/)+/, '')}:${entry.originalLine + 1}:${entry.originalColumn + 1}`);
    })
    .join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2];
  if (!path || !existsSync(path)) {
    console.error('usage: npm run stack-trace -- <bundle directory (cdk.out/asset.*) or .map file> < trace.txt');
    process.exit(2);
  }
  console.log(mapStackTrace(readFileSync(0, 'utf8'), loadSourceMaps(path)));
}
