/** Key and index names of the tables (the stack, the adapters and `ensureTables` share them). */
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

/** Endpoint signing secrets: a table of their own so that IAM can keep them from every function but the delivery worker. */
export const ENDPOINT_SECRETS_TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
} as const;
