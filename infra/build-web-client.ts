/** `tsx infra/build-web-client.ts <outfile>`: the page's script, for the web function's bundle. */
import { writeFile } from 'node:fs/promises';
import { buildClient } from '../shared/web/build-client';

const outfile = process.argv[2];
if (!outfile) throw new Error('usage: tsx infra/build-web-client.ts <outfile>');
await writeFile(outfile, await buildClient());
