import * as v from "valibot";
import { shortId } from "./fields";
import { UploadSchema } from "./generation";
import { about, count, instant, named } from "./named";

export const DownloadLinkSchema = named(
  "DownloadLink",
  v.object({
    url: about(v.string(), "Presigned GET, 15 minutes."),
    expires_at: instant,
    filename: v.string(),
    size_bytes: count,
  }),
);
export type DownloadLink = v.InferOutput<typeof DownloadLinkSchema>;

export const ImportForm = named(
  "ImportForm",
  v.object({ file: v.file("send the archive as a file field named `file`"), profile_id: v.optional(shortId) }),
);

export const ImportStart = named("ImportStart", v.strictObject({ profile_id: v.optional(shortId) }));

export const ImportStarted = named("ImportStarted", v.object({ import_id: v.string(), upload: UploadSchema }));

export const ImportParam = v.object({ import_id: shortId });

/** No options: how old an unclaimed object must be before it is deleted is not the caller's choice. */
export const ReconcileRequest = named("ReconcileRequest", v.strictObject({}));

export const ArchiveRequest = named(
  "ArchiveRequest",
  v.strictObject({
    older_than_days: about(
      v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(36_500)),
      "Archive audio created more than this many days ago; 0 archives all completed audio.",
    ),
  }),
);
