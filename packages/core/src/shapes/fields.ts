/**
 * Field rules shared by the API's shapes and the archive manifests, so that whatever an archive
 * imports can be stored and served like anything created through the API. Written as valibot
 * pipes whose actions the OpenAPI document can state (lengths, patterns, bounds); the few rules no
 * JSON Schema keyword says (well-formed Unicode, a real calendar day) are `check`s named in their
 * field's description.
 */
import * as v from "valibot";
import { limits } from "../limits";

const wellFormed = v.check((value: string) => value.isWellFormed(), "must be well-formed Unicode (no unpaired surrogates)");
const atMost = (max: number) => v.maxLength<string, number, string>(max, `must be at most ${max} characters`);

/** Text that survives storage unchanged: no unpaired surrogates (they would not round-trip UTF-8). */
export const wellFormedText = (max: number) => v.pipe(v.string(), atMost(max), wellFormed);

/** Text with something besides white space in it. */
export const nonBlankText = (max: number) => v.pipe(v.string(), v.regex(/\S/, "must not be blank"), atMost(max), wellFormed);

/**
 * One tag as stored: trimmed, lower-cased, then 1-40 characters without control characters, so
 * "Intro " and "intro" are the same tag. It ends a key (`TAG#<tag>`), whatever it holds.
 */
/**
 * A tag: trimmed, NFC-normalised (so "é" typed either way is one tag) and lower-cased; counted in
 * characters as people see them (an emoji is one); something visible in it.
 */
export const tag = v.pipe(
  v.string(),
  wellFormed,
  v.trim(),
  v.normalize("NFC"),
  v.toLowerCase(),
  v.regex(/[^\p{White_Space}\p{Cf}]/u, "must not be blank"),
  v.maxGraphemes(limits.maxTagChars, `must be at most ${limits.maxTagChars} characters`),
  v.regex(/^[^\p{Cc}\u2028\u2029]*$/u, "must not contain control characters or line breaks"),
);

/** Each tag once, where it first appears. */
export const distinct = (tags: string[]): string[] => [...new Set(tags)];

/** A generation's tags: up to 20 given, normalised as `tag`; duplicates collapse. */
export const tagList = v.pipe(v.array(tag), v.maxLength(limits.maxTags, `at most ${limits.maxTags} tags`), v.transform(distinct));

/** A free-text note on a generation; null when there is none. */
export const note = v.nullable(wellFormedText(limits.maxNoteChars));

/** Engine names, model sizes and effect types. */
export const token = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only"),
  atMost(limits.maxShortFieldChars),
);

export const languageCode = v.pipe(v.string(), v.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, "a language code such as en, zh or pt-BR"), atMost(35));

/** Ids in paths and bodies: what we issue is a UUIDv7, but any short id only ever finds nothing. */
export const shortId = v.pipe(v.string(), v.minLength(1, "must not be empty"), atMost(64));

/** Any integer JSON can carry without losing precision. */
export const seed = v.pipe(v.number(), v.safeInteger("must be a whole number"));

const effectParamValue = v.union([v.number(), v.pipe(v.string(), atMost(200)), v.boolean(), v.null()]);

/** An effect's parameters: at most 64, with short names. */
export const effectParams = v.pipe(
  v.record(v.pipe(v.string(), atMost(64)), effectParamValue),
  v.maxEntries(64, "at most 64 parameters"),
);

export const MAX_EFFECTS = 32;

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i;

/** A real day (`2026-11-29`), or a date-time on one with `Z` or an offset. */
export const isoInstant = v.pipe(
  v.string(),
  v.regex(ISO_INSTANT, "must be an ISO 8601 date or date-time with Z or an offset, e.g. 2026-11-29 or 2026-11-29T08:00:00Z"),
  v.check((value) => {
    const match = ISO_INSTANT.exec(value);
    if (!match || Number.isNaN(Date.parse(value))) return false;
    const day = `${match[1]}-${match[2]}-${match[3]}`;
    // Date rolls 2026-02-30 over to March; a real day survives the round trip.
    return new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);
  }, "must be a real calendar day"),
);

/** What a validation failure reports: valibot's issues, or any Standard Schema issue. */
export interface Issue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: unknown }> | undefined;
}

const keyOf = (part: PropertyKey | { readonly key: unknown }) => (typeof part === "object" && part !== null ? part.key : part);

/** One line per issue, the path dotted (`versions[2].label`). */
export function issueLines(issues: readonly Issue[]): string[] {
  return issues.map((issue) => {
    const path = (issue.path ?? [])
      .map(keyOf)
      .map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
      .join("");
    const missing = / but received undefined$/.test(issue.message);
    return `${path || "(root)"}: ${missing ? "Required" : issue.message}`;
  });
}

/** Problems for a `detail`: the first `max`, and how many more there are. */
export const summarize = (lines: readonly string[], max = 10): string =>
  lines.slice(0, max).join("; ") + (lines.length > max ? `; and ${lines.length - max} more` : "");
