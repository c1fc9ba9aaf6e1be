/**
 * Translating `offset` + `limit` into Strava's `page` + `per_page` (at most 200): the page
 * size that covers the wanted items with the fewest requests (then the fewest items).
 */
export const STRAVA_MAX_PER_PAGE = 200;

interface PagePlan {
  perPage: number;
  /** 1-based, as Strava counts. */
  firstPage: number;
  lastPage: number;
}

export function planPages(offset: number, limit: number, maxPerPage = STRAVA_MAX_PER_PAGE): PagePlan {
  const first = Math.max(0, Math.floor(offset));
  const last = first + Math.max(1, Math.floor(limit)) - 1;
  let best: PagePlan | undefined;
  let bestCost: [number, number] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  for (let perPage = 1; perPage <= maxPerPage; perPage++) {
    const firstPage = Math.floor(first / perPage) + 1;
    const lastPage = Math.floor(last / perPage) + 1;
    const pages = lastPage - firstPage + 1;
    const items = pages * perPage;
    if (pages < bestCost[0] || (pages === bestCost[0] && items < bestCost[1])) {
      best = { perPage, firstPage, lastPage };
      bestCost = [pages, items];
    }
  }
  return best!;
}
