/**
 * The cursor pager: providers whose collections answer a page of items and a token for the next
 * page (WHOOP's `next_token`, Google Health's `nextPageToken`) declare where those are in their
 * descriptor's `pagination`, and walk a collection here.
 */
import type { ProviderDescriptor } from './spi';

export type CursorPaging = Extract<ProviderDescriptor['pagination'], { kind: 'cursor' }>;

/** Pages one collection walk may read at most, whatever the provider answers. */
const MAX_PAGES = 200;

/**
 * Asks `request(cursor)` for page after page (`cursor` holds the token query parameter, empty
 * for the first page) and hands each page's items to `take`, until `take` returns false, the
 * answer carries no token, or (where the descriptor says so) a page comes back empty or repeats the token.
 */
export async function walkCursorPages<T>(
  paging: CursorPaging,
  request: (cursor: Record<string, string>) => Promise<Readonly<Record<string, unknown>>>,
  take: (items: T[]) => boolean,
): Promise<void> {
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await request(token === undefined ? {} : { [paging.tokenParam]: token });
    const items = (answer[paging.itemsField] ?? []) as T[];
    if (!take(items)) return;
    const next = answer[paging.nextField];
    if (typeof next !== 'string' || next === '' || (paging.emptyPageEnds && (items.length === 0 || next === token))) return;
    token = next;
  }
}

/** The descriptor's cursor paging; a client that pages by cursor asks for it once. */
export function cursorPaging(descriptor: ProviderDescriptor): CursorPaging {
  if (descriptor.pagination.kind !== 'cursor') throw new Error(`${descriptor.name} declares no cursor paging`);
  return descriptor.pagination;
}
