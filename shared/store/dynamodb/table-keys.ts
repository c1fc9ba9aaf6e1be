/** Key and index names of the two tables (the stack, the adapters and `ensureTables` share them). */
export const CONNECTIONS_TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
  byProviderUser: { indexName: 'byProviderUser', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
} as const;

export const CACHE_TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'ttl',
} as const;
