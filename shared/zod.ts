/**
 * zod/mini, as the whole codebase imports it (`import * as z from '<rel>/shared/zod'`). Unlike
 * classic zod, zod/mini loads no locale: without this, every issue would read "Invalid input".
 * English is configured here, once, before any schema can parse. Named imports keep the bundles
 * free of classic zod and of the other locales (test/infra/providers.test.ts checks both).
 */
import { config } from 'zod/mini';
import { en } from 'zod/locales';

config(en());

export * from 'zod/mini';
/** The error class `parse` throws (zod/mini re-exports it only inside `z.core`, which drags every locale in). */
export { $ZodError } from 'zod/v4/core';
