/**
 * Field rules shared by the API's request schemas and the archive manifests, so that whatever an
 * archive imports can be stored and served like anything created through the API.
 *
 * Written with `zod/mini`: the same validation as classic zod, but tree-shakable, so a Lambda
 * bundle carries only the checks it uses (classic zod and its locales cost the API cold start
 * about half the floor; see docs/decisions.md).
 */
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";
import { limits } from "./limits";

/**
 * zod/mini ships no messages (every issue would read "Invalid input"), so every parse passes
 * English ones. Per parse rather than through `z.config`: reaching zod's global config, like its
 * global registry or `z.iso`, pulls its JSON Schema generator into the handler's cold start.
 */
export const inEnglish = { error: en().localeError } as const;

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i;

/** A real day (`2026-11-29`), or a date-time on one with `Z` or an offset. */
export const isoInstant = () =>
  z.string().check(
    z.refine((value) => {
      const match = ISO_INSTANT.exec(value);
      if (!match || Number.isNaN(Date.parse(value))) return false;
      const day = `${match[1]}-${match[2]}-${match[3]}`;
      // Date rolls 2026-02-30 over to March; a real day survives the round trip.
      return new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);
    }, "must be an ISO 8601 date or date-time with Z or an offset, e.g. 2026-11-29 or 2026-11-29T08:00:00Z"),
  );

/** Text that survives storage unchanged: no unpaired surrogates (they would not round-trip UTF-8). */
export const wellFormedText = (max: number) =>
  z.string().check(
    z.maxLength(max),
    z.refine((value) => value.isWellFormed(), "must be well-formed Unicode (no unpaired surrogates)"),
  );

export const nonBlankText = (max: number) =>
  wellFormedText(max).check(z.refine((value) => value.trim().length > 0, "must not be blank"));

/** Engine names, model sizes and effect types. */
export const token = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only"), z.maxLength(limits.maxShortFieldChars));

export const languageCode = z
  .string()
  .check(z.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, "a language code such as en, zh or pt-BR"), z.maxLength(35));

/** Any integer JSON can carry without losing precision. */
export const seed = z.int();

export const effectParamValue = z.union([z.number(), z.string().check(z.maxLength(200)), z.boolean(), z.null()]);

/** An effect's parameters: at most 64, with short names. */
export const effectParams = z
  .record(z.string().check(z.maxLength(64)), effectParamValue)
  .check(z.refine((value) => Object.keys(value).length <= 64, "at most 64 parameters"));

export const MAX_EFFECTS = 32;

/** One line per issue, the path dotted (`versions[2].label`). */
export function issueLines(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path
      .map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
      .join("");
    const missing = issue.code === "invalid_type" && issue.message.endsWith("received undefined");
    return `${path || "(root)"}: ${missing ? "Required" : issue.message}`;
  });
}

/** Problems for a `detail`: the first `max`, and how many more there are. */
export const summarize = (lines: readonly string[], max = 10): string =>
  lines.slice(0, max).join("; ") + (lines.length > max ? `; and ${lines.length - max} more` : "");
