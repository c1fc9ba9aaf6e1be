/** The page's script: a prebuilt file beside the deployed bundle, else built from source once. */
import { readFile } from 'node:fs/promises';
import { once } from '../single-flight';

/** File name the stack writes next to the web function's bundle. */
export const CLIENT_BUNDLE_FILE = 'web-client.js';

async function load(): Promise<string> {
  try {
    return await readFile(new URL(`./${CLIENT_BUNDLE_FILE}`, import.meta.url), 'utf8');
  } catch {
    // A source checkout (npm start, tests): esbuild is a devDependency there.
    const { buildClient } = await import('./build-client');
    return buildClient();
  }
}

export const clientScript: () => Promise<string> = once(load);
