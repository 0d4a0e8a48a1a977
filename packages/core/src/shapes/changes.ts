import * as v from "valibot";
import { GenerationSchema } from "./generation";
import { queryInteger } from "./list";
import { about, instant, named } from "./named";
import { ProfileSchema } from "./profile";

export const feedTypes = ["generation.upserted", "generation.deleted", "profile.upserted", "profile.deleted"] as const;

export const ChangeSchema = named(
  "Change",
  v.object({
    type: v.picklist(feedTypes),
    id: about(v.string(), "The generation's or profile's id."),
    changed_at: instant,
    data: about(
      v.nullable(v.union([GenerationSchema, ProfileSchema])),
      "The state after the change for an upsert (a Generation without presigned URLs, or a Profile); null for a delete.",
    ),
  }),
);

export const ChangesPageSchema = named(
  "ChangesPage",
  v.object({
    changes: v.array(ChangeSchema),
    next_cursor: about(v.string(), "Pass it back to read on from here; store it with your mirror."),
    has_more: about(v.boolean(), "Whether more changes can be read at once; false means caught up, poll again later."),
  }),
);

export const ChangesQuery = v.pipe(
  v.object({
    cursor: v.optional(about(v.string(), "A next_cursor from an earlier answer. Without it the feed starts at the oldest change kept.")),
    from: v.optional(about(v.picklist(["now"]), "`now`: answer no changes, only a cursor after every change so far.")),
    limit: v.optional(about(queryInteger(1, 1000), "Changes per answer, 1-1000 (default 100).")),
  }),
  v.check((q) => q.cursor === undefined || q.from === undefined, "give either cursor or from, not both"),
);
