/**
 * The events stores on DynamoDB. Events, attempts and endpoints live in the durable
 * (connections) table, each kind in partitions of its own prefix; the signing secrets live in a
 * table of their own, so that IAM can let the delivery worker alone read them.
 *
 *   events#<tenant>            sk <event id>               one event (ids sort by time: pages are range queries), with its once key
 *   attempts#<tenant>#<event>  sk <at ms>#<endpoint>#<n>   one delivery attempt
 *   endpoints#<tenant>         sk <endpoint id>            one endpoint; sk `#count` bounds how many
 *   eventonce#<tenant>         sk <once key>               an `onceKey` already published
 */
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../store/dynamodb/client';
import type { ErasureBudget, ErasureStep } from '../store/ports';
import {
  type Attempt,
  type Endpoint,
  type EndpointSecrets,
  type EndpointSecretStore,
  erasedWithUser,
  type EventPage,
  type EventStore,
  type EventType,
  type StoredEvent,
} from './ports';

const enc = encodeURIComponent;
const eventsPk = (tenantId: string) => `events#${enc(tenantId)}`;
const attemptsPk = (tenantId: string, eventId: string) => `attempts#${enc(tenantId)}#${eventId}`;
const endpointsPk = (tenantId: string) => `endpoints#${enc(tenantId)}`;
const oncePk = (tenantId: string) => `eventonce#${enc(tenantId)}`;
const COUNT_SK = '#count';
/** Events examined per query while erasing a user. */
const ERASE_PAGE = 100;

function toEvent(item: Record<string, unknown>, nowMs: number): StoredEvent | undefined {
  if (typeof item['ttl'] === 'number' && item['ttl'] * 1000 <= nowMs) return undefined;
  return {
    id: String(item['sk']),
    tenantId: String(item['tenantId']),
    type: item['type'] as EventType,
    data: JSON.parse(String(item['data'])) as Record<string, unknown>,
    createdAtMs: Number(item['createdAtMs']),
  };
}

function toEndpoint(item: Record<string, unknown>): Endpoint {
  return {
    id: String(item['sk']),
    tenantId: String(item['tenantId']),
    url: String(item['url']),
    types: typeof item['types'] === 'string' ? (JSON.parse(item['types']) as EventType[]) : undefined,
    createdAtMs: Number(item['createdAtMs']),
    failingSinceMs: typeof item['failingSinceMs'] === 'number' ? item['failingSinceMs'] : undefined,
    disabledAtMs: typeof item['disabledAtMs'] === 'number' ? item['disabledAtMs'] : undefined,
  };
}

export class DynamoEventStore implements EventStore {
  constructor(
    private readonly doc: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  async putEvent(event: StoredEvent, expiresAtSecs: number, onceKey?: string): Promise<boolean> {
    const item = {
      pk: eventsPk(event.tenantId),
      sk: event.id,
      tenantId: event.tenantId,
      type: event.type,
      data: JSON.stringify(event.data),
      createdAtMs: event.createdAtMs,
      ttl: expiresAtSecs,
      // Kept so that erasing the event's user finds the key (it may name the user) and deletes it too.
      onceKey,
    };
    if (onceKey !== undefined) {
      // The key first (one conditional write, which DynamoDB serialises): a lapsed key (its ttl passed) may be taken again.
      try {
        await this.doc.put({
          TableName: this.tableName,
          Item: { pk: oncePk(event.tenantId), sk: onceKey, ttl: expiresAtSecs },
          ConditionExpression: 'attribute_not_exists(pk) OR #ttl <= :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':now': Math.floor(event.createdAtMs / 1000) },
        });
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    }
    await this.doc.put({ TableName: this.tableName, Item: item });
    return true;
  }

  async getEvent(tenantId: string, id: string, nowMs: number): Promise<StoredEvent | undefined> {
    const { Item } = await this.doc.get({ TableName: this.tableName, Key: { pk: eventsPk(tenantId), sk: id } });
    return Item && toEvent(Item, nowMs);
  }

  async listEvents(tenantId: string, query: { after?: string | undefined; type?: EventType | undefined; limit: number }, nowMs: number): Promise<EventPage> {
    const values: Record<string, unknown> = { ':pk': eventsPk(tenantId) };
    let condition = 'pk = :pk';
    if (query.after !== undefined) {
      condition += ' AND sk > :after';
      values[':after'] = query.after;
    }
    let filter: string | undefined;
    if (query.type !== undefined) {
      filter = '#type = :type';
      values[':type'] = query.type;
    }
    const page = await this.doc.query({
      TableName: this.tableName,
      KeyConditionExpression: condition,
      FilterExpression: filter,
      ExpressionAttributeNames: filter ? { '#type': 'type' } : undefined,
      ExpressionAttributeValues: values,
      Limit: query.limit,
    });
    const events = (page.Items ?? []).map((item) => toEvent(item, nowMs)).filter((e): e is StoredEvent => e !== undefined);
    const last = page.LastEvaluatedKey?.['sk'];
    return { events, next: typeof last === 'string' ? last : undefined };
  }

  async eraseUser(tenantId: string, userId: string, budget: ErasureBudget): Promise<ErasureStep> {
    let events = 0;
    let start: Record<string, unknown> | undefined;
    do {
      if (budget.exhausted()) return { deleted: { events }, done: false };
      const page = await this.doc.query({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': eventsPk(tenantId) },
        ConsistentRead: true,
        Limit: ERASE_PAGE,
        ExclusiveStartKey: start,
      });
      for (const item of page.Items ?? []) {
        const event = { type: item['type'] as EventType, data: JSON.parse(String(item['data'])) as Record<string, unknown> };
        if (!erasedWithUser(event, userId)) continue;
        if (budget.exhausted()) return { deleted: { events }, done: false };
        if (await this.#eraseEvent(tenantId, String(item['sk']), item['onceKey'])) events++;
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return { deleted: { events }, done: true };
  }

  /** Attempts and once key first, the event last: an erasure cut short finds the event again. True when this call deleted the event. */
  async #eraseEvent(tenantId: string, id: string, onceKey: unknown): Promise<boolean> {
    const pk = attemptsPk(tenantId, id);
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.query({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: 'sk',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      });
      for (const item of page.Items ?? []) await this.doc.delete({ TableName: this.tableName, Key: { pk, sk: item['sk'] } });
      start = page.LastEvaluatedKey;
    } while (start);
    if (typeof onceKey === 'string') await this.doc.delete({ TableName: this.tableName, Key: { pk: oncePk(tenantId), sk: onceKey } });
    try {
      await this.doc.delete({ TableName: this.tableName, Key: { pk: eventsPk(tenantId), sk: id }, ConditionExpression: 'attribute_exists(pk)' });
      return true;
    } catch (error) {
      // Another erasure of the same user deleted it first: counted there.
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async putAttempt(tenantId: string, attempt: Attempt, expiresAtSecs: number): Promise<void> {
    const sk = `${String(attempt.atMs).padStart(15, '0')}#${attempt.endpointId}#${attempt.attempt}`;
    await this.doc.put({ TableName: this.tableName, Item: { pk: attemptsPk(tenantId, attempt.eventId), sk, ...attempt, ttl: expiresAtSecs } });
  }

  async listAttempts(tenantId: string, eventId: string, limit: number, nowMs: number): Promise<Attempt[]> {
    const { Items = [] } = await this.doc.query({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': attemptsPk(tenantId, eventId) },
      ScanIndexForward: false,
      Limit: limit,
    });
    return Items.filter((item) => !(typeof item['ttl'] === 'number' && item['ttl'] * 1000 <= nowMs)).map((item) => ({
      eventId: String(item['eventId']),
      endpointId: String(item['endpointId']),
      attempt: Number(item['attempt']),
      atMs: Number(item['atMs']),
      status: typeof item['status'] === 'number' ? item['status'] : undefined,
      latencyMs: Number(item['latencyMs']),
      error: typeof item['error'] === 'string' ? item['error'] : undefined,
      outcome: item['outcome'] as Attempt['outcome'],
    }));
  }

  async createEndpoint(endpoint: Endpoint, max: number): Promise<boolean> {
    const pk = endpointsPk(endpoint.tenantId);
    // A place first (one conditional write on the count): two admins adding at once cannot pass the bound.
    try {
      await this.doc.update({
        TableName: this.tableName,
        Key: { pk, sk: COUNT_SK },
        UpdateExpression: 'ADD #n :one',
        ConditionExpression: 'attribute_not_exists(#n) OR #n < :max',
        ExpressionAttributeNames: { '#n': 'endpoints' },
        ExpressionAttributeValues: { ':one': 1, ':max': max },
      });
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    try {
      await this.doc.put({
        TableName: this.tableName,
        Item: {
          pk,
          sk: endpoint.id,
          tenantId: endpoint.tenantId,
          url: endpoint.url,
          types: endpoint.types ? JSON.stringify(endpoint.types) : undefined,
          createdAtMs: endpoint.createdAtMs,
        },
      });
    } catch (error) {
      await this.#release(pk).catch(() => undefined);
      throw error;
    }
    return true;
  }

  #release(pk: string) {
    return this.doc.update({
      TableName: this.tableName,
      Key: { pk, sk: COUNT_SK },
      UpdateExpression: 'ADD #n :minus',
      ExpressionAttributeNames: { '#n': 'endpoints' },
      ExpressionAttributeValues: { ':minus': -1 },
    });
  }

  async listEndpoints(tenantId: string): Promise<Endpoint[]> {
    const { Items = [] } = await this.doc.query({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': endpointsPk(tenantId) },
      ConsistentRead: true,
    });
    return Items.filter((item) => item['sk'] !== COUNT_SK)
      .map(toEndpoint)
      .sort((a, b) => a.createdAtMs - b.createdAtMs);
  }

  async getEndpoint(tenantId: string, id: string): Promise<Endpoint | undefined> {
    if (id === COUNT_SK) return undefined;
    const { Item } = await this.doc.get({ TableName: this.tableName, Key: { pk: endpointsPk(tenantId), sk: id }, ConsistentRead: true });
    return Item && toEndpoint(Item);
  }

  async deleteEndpoint(tenantId: string, id: string): Promise<boolean> {
    if (id === COUNT_SK) return false;
    const pk = endpointsPk(tenantId);
    try {
      await this.doc.delete({ TableName: this.tableName, Key: { pk, sk: id }, ConditionExpression: 'attribute_exists(pk)' });
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    await this.#release(pk);
    return true;
  }

  async recordOutcome(tenantId: string, id: string, delivered: boolean, nowMs: number, disableAfterMs: number): Promise<Endpoint | undefined> {
    const Key = { pk: endpointsPk(tenantId), sk: id };
    try {
      if (delivered) {
        const { Attributes } = await this.doc.update({
          TableName: this.tableName,
          Key,
          UpdateExpression: 'REMOVE failingSinceMs, disabledAtMs',
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_NEW',
        });
        return Attributes && toEndpoint(Attributes);
      }
      const { Attributes } = await this.doc.update({
        TableName: this.tableName,
        Key,
        UpdateExpression: 'SET failingSinceMs = if_not_exists(failingSinceMs, :now)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': nowMs },
        ReturnValues: 'ALL_NEW',
      });
      const endpoint = Attributes && toEndpoint(Attributes);
      if (!endpoint || endpoint.disabledAtMs !== undefined || nowMs - (endpoint.failingSinceMs ?? nowMs) < disableAfterMs) return endpoint;
      // Disabled only while still failing: a success meanwhile (failingSinceMs removed) wins.
      const disabled = await this.doc.update({
        TableName: this.tableName,
        Key,
        UpdateExpression: 'SET disabledAtMs = :now',
        ConditionExpression: 'failingSinceMs = :since AND attribute_not_exists(disabledAtMs)',
        ExpressionAttributeValues: { ':now': nowMs, ':since': endpoint.failingSinceMs },
        ReturnValues: 'ALL_NEW',
      });
      return disabled.Attributes && toEndpoint(disabled.Attributes);
    } catch (error) {
      if (isConditionFailure(error)) return this.getEndpoint(tenantId, id);
      throw error;
    }
  }
}

/** The secrets table: `pk` = `<tenant>#<endpoint id>`, `sk` = `secrets`. */
export class DynamoEndpointSecretStore implements EndpointSecretStore {
  constructor(
    private readonly doc: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  #key(tenantId: string, endpointId: string) {
    return { pk: `${enc(tenantId)}#${endpointId}`, sk: 'secrets' };
  }

  async put(tenantId: string, endpointId: string, secret: string): Promise<void> {
    await this.doc.put({ TableName: this.tableName, Item: { ...this.#key(tenantId, endpointId), current: secret } });
  }

  async rotate(tenantId: string, endpointId: string, secret: string, previousUntilMs: number): Promise<void> {
    try {
      // Copied inside DynamoDB: the admin function rotates without ever reading a secret.
      await this.doc.update({
        TableName: this.tableName,
        Key: this.#key(tenantId, endpointId),
        UpdateExpression: 'SET #previous = #current, #current = :secret, previousUntilMs = :until',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#current': 'current', '#previous': 'previous' },
        ExpressionAttributeValues: { ':secret': secret, ':until': previousUntilMs },
      });
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async delete(tenantId: string, endpointId: string): Promise<void> {
    await this.doc.delete({ TableName: this.tableName, Key: this.#key(tenantId, endpointId) });
  }

  async read(tenantId: string, endpointId: string): Promise<EndpointSecrets | undefined> {
    const { Item } = await this.doc.get({ TableName: this.tableName, Key: this.#key(tenantId, endpointId), ConsistentRead: true });
    if (!Item || typeof Item['current'] !== 'string') return undefined;
    return {
      current: Item['current'],
      previous: typeof Item['previous'] === 'string' ? Item['previous'] : undefined,
      previousUntilMs: typeof Item['previousUntilMs'] === 'number' ? Item['previousUntilMs'] : undefined,
    };
  }
}
