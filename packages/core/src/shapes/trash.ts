import * as v from "valibot";
import { limits } from "../limits";
import { shortId } from "./fields";
import { listedFields } from "./generation";
import { queryInteger } from "./list";
import { about, instant, named } from "./named";

export const TrashedGenerationSchema = named(
  "TrashedGeneration",
  v.object({
    ...listedFields,
    deleted_at: about(instant, "When it was deleted into the trash."),
    purge_at: about(instant, "When the daily sweep purges it (record and audio) unless it is restored first."),
  }),
);
export type TrashedGeneration = v.InferOutput<typeof TrashedGenerationSchema>;

export const TrashQuery = v.object({
  limit: v.optional(about(queryInteger(1, limits.maxListLimit), `Page size, 1 to ${limits.maxListLimit}; ${limits.defaultListLimit} when left out.`)),
  cursor: v.optional(about(v.pipe(v.string(), v.maxLength(512, "must be at most 512 characters")), "`next_cursor` of the previous page.")),
});
export type TrashParams = v.InferOutput<typeof TrashQuery>;

export const TrashList = named(
  "TrashList",
  v.object({ items: about(v.array(TrashedGenerationSchema), "Newest-deleted first."), next_cursor: v.nullable(v.string()) }),
);
export type TrashPage = v.InferOutput<typeof TrashList>;

export const RestoreRequest = named(
  "TrashRestore",
  v.strictObject({
    profile_id: v.optional(
      about(shortId, "Restore into this profile (it must exist). Needed when the generation's own profile was deleted; optional otherwise."),
    ),
  }),
);
