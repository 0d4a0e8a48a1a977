import type { SearchEntry } from "./entry";

export interface PageWindow {
  ascending: boolean;
  /** The cursor's id: the page starts past it in the sort order. */
  after?: string | undefined;
  offset: number;
  limit: number;
}

/**
 * One pass over matches in any order that keeps what a page needs: every match counted, and the
 * ids of the first `offset + limit` past the cursor in the sort order. Ids only are kept (a page
 * reads its generations afterwards), in a buffer sorted down to size when it doubles.
 */
export class PageSelection {
  total = 0;
  private past = 0;
  private best: string[] = [];
  private readonly keep: number;

  constructor(private readonly window: PageWindow) {
    this.keep = window.offset + window.limit;
  }

  private readonly before = (a: string, b: string): number => (this.window.ascending ? (a < b ? -1 : a > b ? 1 : 0) : a < b ? 1 : a > b ? -1 : 0);

  add(entry: SearchEntry): void {
    this.total++;
    const { after } = this.window;
    if (after !== undefined && this.before(entry.id, after) <= 0) return;
    this.past++;
    this.best.push(entry.id);
    if (this.best.length >= 2 * this.keep + 64) this.trim();
  }

  private trim(): void {
    this.best.sort(this.before);
    this.best.length = Math.min(this.best.length, this.keep);
  }

  /** The page's ids in order, and whether matches remain past it. */
  page(): { ids: string[]; hasMore: boolean } {
    this.trim();
    return { ids: this.best.slice(this.window.offset), hasMore: this.past > this.keep };
  }
}
