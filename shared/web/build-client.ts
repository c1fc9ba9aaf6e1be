/**
 * Bundles the page's script (shared/web/client/) with esbuild. The source checkout builds it
 * on first request; the stack builds it next to the web function's bundle
 * (infra/build-web-client.ts), where assets.ts reads it.
 */
import { fileURLToPath } from 'node:url';

export async function buildClient(): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./client/main.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
  });
  return result.outputFiles[0]!.text;
}
