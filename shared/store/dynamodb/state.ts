import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './client';
import type { StateCondition, StateItem, StateStore, StateWrite } from '../ports';

const KEY_FIELDS = new Set(['pk', 'sk', 'ttl']);

/** Builds the expression attribute names and values with stable placeholders. */
class Expression {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  #n = 0;

  name(field: string): string {
    const placeholder = `#f${this.#n++}`;
    this.names[placeholder] = field;
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${this.#n++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  condition(conditions: readonly StateCondition[] | undefined): string | undefined {
    if (!conditions || conditions.length === 0) return undefined;
    return conditions
      .map((c) => {
        const field = this.name(c.field);
        if (c.op === 'missing') return `attribute_not_exists(${field})`;
        if (c.op === 'eq') return `${field} = ${this.value(c.value)}`;
        return `${field} < ${this.value(c.value)}`;
      })
      .map((clause) => `(${clause})`)
      .join(' OR ');
  }
}

function fromItem(item: Record<string, unknown> | undefined, nowMs: number): StateItem | undefined {
  if (!item) return undefined;
  if (typeof item['ttl'] === 'number' && item['ttl'] * 1000 <= nowMs) return undefined;
  const out: StateItem = {};
  for (const [field, value] of Object.entries(item)) if (!KEY_FIELDS.has(field)) out[field] = value as StateItem[string];
  return out;
}

/**
 * StateStore on a DynamoDB table with `pk`/`sk` keys and the `ttl` attribute (epoch seconds).
 * Reads check `ttl` themselves because DynamoDB deletes expired items lazily; conditions see
 * an expired item as it is stored, so writers put expiry fields of their own in conditions
 * where it matters (leases do).
 */
export class DynamoStateStore implements StateStore {
  constructor(
    private readonly doc: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  async get(pk: string, sk: string, nowMs: number): Promise<StateItem | undefined> {
    const { Item } = await this.doc.get({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true });
    return fromItem(Item, nowMs);
  }

  async list(pk: string, nowMs: number): Promise<Map<string, StateItem>> {
    const out = new Map<string, StateItem>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.query({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        });
      for (const item of page.Items ?? []) {
        const live = fromItem(item, nowMs);
        if (live) out.set(String(item['sk']), live);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  update(pk: string, sk: string, fields: StateItem, write: StateWrite = {}): Promise<StateItem | undefined> {
    const expr = new Expression();
    const sets: string[] = [];
    const removes: string[] = [];
    for (const [field, value] of Object.entries(fields)) {
      if (value === null) removes.push(expr.name(field));
      else sets.push(`${expr.name(field)} = ${expr.value(value)}`);
    }
    if (write.expiresAtSecs !== undefined) sets.push(`${expr.name('ttl')} = ${expr.value(write.expiresAtSecs)}`);
    return this.#send(pk, sk, expr, [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''], write);
  }

  add(pk: string, sk: string, field: string, by: number, write: StateWrite = {}): Promise<StateItem | undefined> {
    const expr = new Expression();
    const clauses = [`ADD ${expr.name(field)} ${expr.value(by)}`];
    if (write.expiresAtSecs !== undefined) clauses.push(`SET ${expr.name('ttl')} = ${expr.value(write.expiresAtSecs)}`);
    return this.#send(pk, sk, expr, clauses, write);
  }

  async delete(pk: string, sk: string, write: Pick<StateWrite, 'ifAny'> = {}): Promise<boolean> {
    const expr = new Expression();
    const condition = expr.condition(write.ifAny);
    try {
      await this.doc.delete({
          TableName: this.tableName,
          Key: { pk, sk },
          ConditionExpression: condition,
          ExpressionAttributeNames: condition ? expr.names : undefined,
          ExpressionAttributeValues: condition && Object.keys(expr.values).length ? expr.values : undefined,
        });
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async #send(pk: string, sk: string, expr: Expression, clauses: string[], write: StateWrite): Promise<StateItem | undefined> {
    const condition = expr.condition(write.ifAny);
    const update = clauses.filter(Boolean).join(' ');
    if (update === '') return this.get(pk, sk, 0);
    try {
      const { Attributes } = await this.doc.update({
          TableName: this.tableName,
          Key: { pk, sk },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: expr.names,
          ExpressionAttributeValues: Object.keys(expr.values).length ? expr.values : undefined,
          ReturnValues: 'ALL_NEW',
        });
      return fromItem(Attributes, 0) ?? {};
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}
