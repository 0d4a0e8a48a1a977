import * as v from "valibot";
import { limits } from "../limits";
import { distinct, isoInstant, languageCode, shortId, tag, tagList, token, wellFormedText } from "./fields";
import { GenerationStatusSchema, ListedGenerationSchema } from "./generation";
import { about, count, example, named } from "./named";

/**
 * A whole number sent in a query string: plain decimal digits only (no "1e1", "0x10" or spaces),
 * documented as the integer it is, so a generated client sends `limit: 10`.
 */
export const queryInteger = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d{1,9}$/, "must be a whole number"),
    v.transform(Number),
    v.number(),
    v.integer(),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );

/** `true` or `false` in a query string, documented as the boolean it is. */
const queryBoolean = v.pipe(v.picklist(["true", "false"], "must be true or false"), v.transform((value) => value === "true"), v.boolean());

const tagsRequired = `Only generations carrying every tag named (1 to ${limits.maxTags}), compared as stored (trimmed, lower-cased).`;

/** The tags of a JSON filter. */
const filterTags = about(v.pipe(tagList, v.minLength(1, "name at least one tag")), tagsRequired, [["intro"]]);

/** `tag=a&tag=b` in a query string: one value arrives as a string, several as a list. */
const queryTags = about(
  v.pipe(
    v.union([tag, v.array(tag)], "must be a tag or a list of tags"),
    v.transform((given: string | string[]) => (typeof given === "string" ? [given] : given)),
    v.array(v.string()),
    v.minLength(1, "name at least one tag"),
    v.maxLength(limits.maxTags, `at most ${limits.maxTags} tags`),
    v.transform(distinct),
  ),
  `${tagsRequired} Repeat the parameter for several: \`tag=a&tag=b\`.`,
  [["intro"]],
);

const instantForm = "an ISO 8601 date, or a date-time with Z or an offset.";

const filterFields = {
  profile_id: v.optional(shortId),
  search: v.optional(
    about(
      wellFormedText(limits.maxSearchChars),
      "Substring of the text, compared after Unicode normalisation (NFC) and full Unicode case folding of both: `ÉCOLE` finds `école` however either was composed, `STRASSE` finds `straße`, `Σ` finds a final `ς`, `ﬁ` finds `fi`. An accent belongs to its letter (`e` does not find `é`) and the dotless `ı` stays itself.",
    ),
  ),
  status: v.optional(GenerationStatusSchema),
  engine: v.optional(example(token, "qwen")),
  language: v.optional(languageCode),
  created_after: v.optional(about(isoInstant, `Inclusive lower bound on created_at: ${instantForm}`, ["2026-11-01"])),
  created_before: v.optional(about(isoInstant, `Exclusive upper bound on created_at: ${instantForm}`, ["2026-11-29T08:00:00Z"])),
};

type TimeBounds = { created_after?: string | undefined; created_before?: string | undefined };

const inOrder = (q: TimeBounds) => !q.created_after || !q.created_before || Date.parse(q.created_after) < Date.parse(q.created_before);
const boundsMessage = "created_after must be before created_before";

const filterObject = v.strictObject({ ...filterFields, favorites: v.optional(v.boolean()), tag: v.optional(filterTags) });

/** The list filters, shared by the list, bulk delete and bulk export. */
export const FilterSchema = named(
  "GenerationFilter",
  v.pipe(filterObject, v.check<v.InferOutput<typeof filterObject>, string>(inOrder, boundsMessage)),
);
export type GenerationFilter = v.InferOutput<typeof FilterSchema>;

const listObject = v.object({
  ...filterFields,
  favorites: v.optional(about(queryBoolean, "true: only favorites; false: only the others.")),
  tag: v.optional(queryTags),
  limit: v.optional(about(queryInteger(1, limits.maxListLimit), `Page size, 1 to ${limits.maxListLimit}; ${limits.defaultListLimit} when left out.`)),
  offset: v.optional(about(queryInteger(0, 1_000_000), "Items to skip (each one is read); 0 when left out. Not with `cursor`.")),
  cursor: v.optional(about(v.pipe(v.string(), v.maxLength(512, "must be at most 512 characters")), "`next_cursor` of the previous page.")),
  sort: v.optional(v.picklist(["asc", "desc"]), "desc"),
});

export const ListQuery = v.pipe(
  listObject,
  v.check<v.InferOutput<typeof listObject>, string>(inOrder, boundsMessage),
  v.forward(
    v.check((q) => q.cursor === undefined || q.offset === undefined, "offset cannot be combined with cursor: the cursor already says where the page starts"),
    ["offset"],
  ),
);
export type ListParams = v.InferOutput<typeof ListQuery>;

export const ListResponse = named(
  "GenerationList",
  v.object({
    items: v.array(ListedGenerationSchema),
    total: about(count, "Every match of the filters, exactly."),
    next_cursor: v.nullable(v.string()),
  }),
);
export type ListPage = v.InferOutput<typeof ListResponse>;

const MAX_BULK_IDS = 1000;

/** Either up to MAX_BULK_IDS ids or a filter, each beside the `options` a bulk operation takes. */
export const bulkSelection = <O extends v.ObjectEntries>(options: O) =>
  v.union(
    [
      v.strictObject({
        ids: v.pipe(v.array(shortId), v.minLength(1, "send at least one id"), v.maxLength(MAX_BULK_IDS, `at most ${MAX_BULK_IDS} ids`)),
        ...options,
      }),
      v.strictObject({ filter: FilterSchema, ...options }),
    ],
    `send either \`ids\` (1 to ${MAX_BULK_IDS} generation ids) or \`filter\` (the list filters)`,
  );

export const BulkSelection = named("BulkSelection", bulkSelection({}), `Either up to ${MAX_BULK_IDS} ids or a filter (the list filters).`);
export type Selection = v.InferOutput<typeof BulkSelection>;
