import type { Generation } from "../shapes/generation";
import type { GenerationFilter } from "../shapes/list";
import { foldText } from "./fold";

/** What the search index keeps of a generation: its order, its folded text and every field a filter names. */
export interface SearchEntry {
  id: string;
  created_at: string;
  /** The text as `foldText` makes it; a generation's text never changes after create. */
  text: string;
  profile_id: string;
  status: Generation["status"];
  favorited: boolean;
  language: string;
  engine: string;
  tags: string[];
}

/** A generation that is gone (deleted or in the trash): it hides what older segments hold of it. */
export interface Tombstone {
  id: string;
  gone: true;
}

export type IndexLine = SearchEntry | Tombstone;

export const isTombstone = (line: IndexLine): line is Tombstone => "gone" in line;

type Indexed = Pick<Generation, "id" | "created_at" | "text" | "profile_id" | "status" | "is_favorited" | "language" | "engine"> & {
  tags?: string[] | undefined;
};

export const entryOf = (g: Indexed): SearchEntry => ({
  id: g.id,
  created_at: g.created_at,
  text: foldText(g.text),
  profile_id: g.profile_id,
  status: g.status,
  favorited: g.is_favorited,
  language: g.language,
  engine: g.engine,
  tags: g.tags ?? [],
});

/** One line of a segment: a JSON array (no field names), a tombstone holding the id alone. */
export const encodeLine = (line: IndexLine): string =>
  JSON.stringify(
    isTombstone(line)
      ? [line.id]
      : [line.id, line.created_at, line.profile_id, line.status, line.favorited ? 1 : 0, line.language, line.engine, line.tags, line.text],
  );

/** A line's id without parsing it: the first element, which is always a UUID (nothing to unescape). */
export const lineId = (json: string): string => json.slice(2, json.indexOf('"', 2));

/**
 * A string every line matching `term` must hold as it is stored, or undefined when the term needs
 * JSON escaping (quotes, backslashes, control characters) and cannot be looked for in the raw line.
 * Lines without it are skipped before they are parsed.
 */
export function rawNeedle(term: string): string | undefined {
  return term && JSON.stringify(term) === `"${term}"` ? term : undefined;
}

export function decodeLine(json: string): IndexLine {
  const [id, created_at, profile_id, status, favorited, language, engine, tags, text] = JSON.parse(json) as [
    string, string, string, SearchEntry["status"], number, string, string, string[], string,
  ];
  if (created_at === undefined) return { id, gone: true };
  return { id, created_at, profile_id, status, favorited: favorited === 1, language, engine, tags, text };
}

/** The filter's text as it is matched: folded, or "" for none. */
export const searchTerm = (filter: GenerationFilter): string => (filter.search ? foldText(filter.search) : "");

/** The list filters as one predicate over index entries, the search term folded once. */
export function entryPredicate(filter: GenerationFilter): (entry: SearchEntry) => boolean {
  const term = searchTerm(filter);
  const after = filter.created_after ? Date.parse(filter.created_after) : undefined;
  const before = filter.created_before ? Date.parse(filter.created_before) : undefined;
  const tags = filter.tag ?? [];
  return (entry) =>
    (filter.profile_id === undefined || entry.profile_id === filter.profile_id) &&
    (filter.status === undefined || entry.status === filter.status) &&
    (filter.favorites === undefined || entry.favorited === filter.favorites) &&
    (filter.engine === undefined || entry.engine === filter.engine) &&
    (filter.language === undefined || entry.language === filter.language) &&
    (after === undefined || Date.parse(entry.created_at) >= after) &&
    (before === undefined || Date.parse(entry.created_at) < before) &&
    tags.every((tag) => entry.tags.includes(tag)) &&
    (term === "" || entry.text.includes(term));
}

/** The filter as a predicate over a stored generation, for re-checking one that changed after a query read it. */
export const matchesFilter = (filter: GenerationFilter, item: Indexed): boolean => entryPredicate(filter)(entryOf(item));
