/**
 * The container of an operator command (`npm run reseal|erase|endpoints|tenant`): built only on
 * the configured tables, or a configuration secret naming them, since memory stores would hold
 * nothing to act on and keep nothing afterwards.
 */
import type { Container, ContainerOptions } from '../shared/app/container-core';

/** The container, or undefined once the reason is printed: `Set <needs> or PIERRE_CONFIG_SECRET_ID: <why>`. */
export async function operatorContainer(build: (options: ContainerOptions) => Promise<Container>, needs: string, why: string): Promise<Container | undefined> {
  const env = process.env;
  if (!env['PIERRE_CONNECTIONS_TABLE'] && !env['PIERRE_CONFIG_SECRET_ID']) {
    console.error(`Set ${needs} or PIERRE_CONFIG_SECRET_ID: ${why}`);
    return undefined;
  }
  return build({ env });
}
