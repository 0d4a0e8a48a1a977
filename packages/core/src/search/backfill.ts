import { eachGeneration } from "../generations/query";
import { entryOf, type SearchEntry } from "./entry";

/**
 * Every live generation as an index entry, ascending by id (the records' key order), read page by
 * page. A first index reads them after settling the log's head (changes/walk.ts settleHead): a
 * change numbered up to the head was committed before this read, so the read sees it or something
 * later, and everything later is in the log after the head.
 */
export async function* backfillLines(tenant: string): AsyncGenerator<SearchEntry> {
  for await (const page of eachGeneration(tenant, {}, true, 1000)) for (const item of page) yield entryOf(item);
}
