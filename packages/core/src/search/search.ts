import type { Readable } from "node:stream";
import type { GenerationItem } from "../generations/model";
import { eachGeneration } from "../generations/query";
import { limits } from "../limits";
import { log } from "../observability";
import type { ListParams } from "../shapes/list";
import { batchGetItems } from "../table/batch";
import { keys } from "../table/keys";
import { decodeLine, entryOf, entryPredicate, matchesFilter, isTombstone, lineId, rawNeedle, searchTerm, type SearchEntry } from "./entry";
import { getManifest, requestCompaction, usable, type Manifest } from "./manifest";
import { readOverlay } from "./overlay";
import { PageSelection, type PageWindow } from "./select";
import { openSegment, rawSegmentLines, segmentGone } from "./segments";

/** Log items past the index after which a search asks for a compaction (each search reads them all). */
export const COMPACT_AFTER = 256;

/** A segment retired between reading the manifest and its GET: read the new manifest instead. */
const ATTEMPTS = 3;

type Matches = (entry: SearchEntry) => boolean;

/** Asks for a compaction without failing the search that noticed it is due. */
async function nudgeCompaction(tenant: string): Promise<void> {
  try {
    await requestCompaction(tenant);
  } catch (error) {
    log.warn("search compaction not requested", { error });
  }
}

/**
 * Matches from the index: the log after its number first (latest per generation), then the
 * segments newest first; a line is skipped when a newer layer already had its id, and without
 * being parsed when it lacks the folded term. The GETs start together and are read one after
 * another, so memory holds the ids of the newer layers and the page's selection, never the texts.
 */
async function scanIndex(tenant: string, manifest: Manifest & { seq: number }, params: ListParams, matches: Matches, selection: PageSelection): Promise<void> {
  const needle = rawNeedle(searchTerm(params));
  const responses = manifest.segments.map((ref) => openSegment(tenant, ref));
  responses.forEach((response) => response.catch(() => {}));
  try {
    const overlay = await readOverlay(tenant, manifest.seq);
    if (overlay.read >= COMPACT_AFTER) await nudgeCompaction(tenant);
    const newer = new Set(overlay.lines.keys());
    for (const line of overlay.lines.values()) if (!isTombstone(line) && matches(line)) selection.add(line);
    for (let i = responses.length - 1; i >= 0; i--) {
      for await (const json of rawSegmentLines(responses[i]!)) {
        const id = lineId(json);
        if (newer.has(id)) continue;
        if (i > 0) newer.add(id);
        if (needle !== undefined && !json.includes(needle)) continue;
        const line = decodeLine(json);
        if (!isTombstone(line) && matches(line)) selection.add(line);
      }
    }
  } finally {
    for (const response of responses) response.then((r) => (r.Body as Readable | undefined)?.destroy(), () => {});
  }
}

/** Matches from the records themselves, for a tenant whose index is not built yet: one pass that counts and pages. */
async function scanRecords(tenant: string, params: ListParams, matches: Matches, selection: PageSelection): Promise<void> {
  const { search: _search, ...rest } = params;
  for await (const page of eachGeneration(tenant, rest)) for (const item of page) {
    const entry = entryOf(item);
    if (matches(entry)) selection.add(entry);
  }
}

/** The page's generations, read together; any changed or gone since the scan are left out. */
async function pageItems(tenant: string, ids: string[], params: ListParams): Promise<GenerationItem[]> {
  if (!ids.length) return [];
  const found = new Map((await batchGetItems<GenerationItem>(ids.map((id) => keys.generation(tenant, id)), { ConsistentRead: true })).map((item) => [item.id, item]));
  return ids.flatMap((id) => {
    const item = found.get(id);
    return item && matchesFilter(params, item) ? [item] : [];
  });
}

/**
 * A text search (`search=`) with every other filter, its exact total and one page, from the
 * tenant's search index (packages/core/src/search). Before the index is first built the records
 * are read instead, and a build is requested.
 */
export async function searchGenerations(
  tenant: string,
  params: ListParams,
  after: string | undefined,
): Promise<{ found: GenerationItem[]; hasMore: boolean; total: number }> {
  const window: PageWindow = { ascending: params.sort === "asc", after, offset: params.offset ?? 0, limit: params.limit ?? limits.defaultListLimit };
  const matches = entryPredicate(params);
  for (let attempt = 1; ; attempt++) {
    const selection = new PageSelection(window);
    try {
      const manifest = await getManifest(tenant);
      if (usable(manifest)) await scanIndex(tenant, manifest, params, matches, selection);
      else {
        await nudgeCompaction(tenant);
        await scanRecords(tenant, params, matches, selection);
      }
    } catch (error) {
      if (segmentGone(error) && attempt < ATTEMPTS) continue;
      throw error;
    }
    const { ids, hasMore } = selection.page();
    return { found: await pageItems(tenant, ids, params), hasMore, total: selection.total };
  }
}
