import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './client';
import type { StateAddition, StateAddOutcome, StateCondition, StateItem, StateStore, StateValue, StateWrite } from '../ports';

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

  /** Every group must hold; within a group one condition suffices. */
  allOf(groups: readonly (readonly StateCondition[])[] | undefined): string | undefined {
    const clauses = (groups ?? [])
      .filter((group) => group.length > 0)
      .map((group) => (group.length > 1 ? `(${this.condition(group)})` : this.condition(group)));
    return clauses.length > 0 ? clauses.join(' AND ') : undefined;
  }
}

/** The scalar attribute values a StateItem holds, from the wire format (a failed condition's item is not unmarshalled by the document client). */
function fromWire(item: Record<string, Record<string, unknown>> | undefined): StateItem | undefined {
  if (!item) return undefined;
  const out: StateItem = {};
  for (const [field, value] of Object.entries(item)) {
    if (KEY_FIELDS.has(field)) continue;
    let decoded: StateValue | undefined;
    if (typeof value['S'] === 'string') decoded = value['S'];
    else if (typeof value['N'] === 'string') decoded = Number(value['N']);
    else if (typeof value['BOOL'] === 'boolean') decoded = value['BOOL'];
    else if (value['NULL'] === true) decoded = null;
    if (decoded !== undefined) out[field] = decoded;
  }
  return out;
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

  async addAll(pk: string, sk: string, addition: StateAddition): Promise<StateAddOutcome> {
    const expr = new Expression();
    const adds = Object.entries(addition.add).map(([field, by]) => [field, expr.name(field), expr.value(by)] as const);
    const clauses = [`ADD ${adds.map(([, name, value]) => `${name} ${value}`).join(', ')}`];
    if (addition.expiresAtSecs !== undefined) clauses.push(`SET ${expr.name('ttl')} = ${expr.value(addition.expiresAtSecs)}`);
    const condition = expr.allOf(addition.ifAll);
    try {
      const { Attributes } = await this.doc.update({
        TableName: this.tableName,
        Key: { pk, sk },
        UpdateExpression: clauses.join(' '),
        ConditionExpression: condition,
        ExpressionAttributeNames: expr.names,
        ExpressionAttributeValues: expr.values,
        // Only the counts just changed travel back, however many fields the item holds.
        ReturnValues: 'UPDATED_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
      const values: Record<string, number> = {};
      for (const [field] of adds) values[field] = Number(Attributes?.[field] ?? 0);
      return { added: true, values };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { added: false, item: fromWire((error as { Item?: Record<string, Record<string, unknown>> }).Item) };
    }
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
