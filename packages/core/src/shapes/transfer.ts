import * as v from "valibot";
import { AUDIO_FORMATS, bitrateIssue, FORMATS, type AudioFormat } from "../audio/formats";
import { shortId } from "./fields";
import { bulkSelection, queryInteger } from "./list";
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

const lossy = AUDIO_FORMATS.filter((f) => FORMATS[f].bitrate);
const bitrateRanges = lossy.map((f) => `${f} ${FORMATS[f].bitrate!.min}-${FORMATS[f].bitrate!.max} (default ${FORMATS[f].bitrate!.default})`).join(", ");
const [lowestBitrate, highestBitrate] = [Math.min(...lossy.map((f) => FORMATS[f].bitrate!.min)), Math.max(...lossy.map((f) => FORMATS[f].bitrate!.max))];

const audioFormat = about(
  v.picklist(AUDIO_FORMATS, `must be one of ${AUDIO_FORMATS.join(", ")}`),
  "`wav` (default): the stored file as uploaded. `flac`: lossless, the same samples (16 and 24-bit integer audio, up to 8 channels; " +
    "32-bit and float audio is refused with 422). `mp3`: CBR, resampled to the lowest MP3 rate at or above the audio's that carries the bitrate (at most 48 kHz), " +
    "3-8 channels downmixed to stereo (more: 422). `opus`: Opus in Ogg at 48 kHz; 1-8 channels in the standard speaker mappings, more in mapping family 255.",
);
const bitrateAbout = `Kilobits per second, mp3 and opus only: ${bitrateRanges}.`;

type AudioChoice = { format?: AudioFormat | undefined; bitrate?: number | undefined };

/** `schema`, refusing a bitrate its format does not take (naming what the format does take). */
const bitrateFits = <S extends v.GenericSchema<unknown, AudioChoice>>(schema: S) =>
  v.pipe(
    schema,
    v.rawCheck<v.InferOutput<S>>(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const issue = bitrateIssue(dataset.value.format ?? "wav", dataset.value.bitrate);
      if (issue) addIssue({ message: issue });
    }),
  );

export const AudioExportQuery = bitrateFits(
  v.object({
    format: v.optional(audioFormat),
    bitrate: v.optional(about(queryInteger(lowestBitrate, highestBitrate), bitrateAbout)),
    version_id: v.optional(about(shortId, "A version of the generation to download instead of its default one.")),
  }),
);

export const BulkExportRequest = named(
  "BulkExportRequest",
  // The audio fields are checked on their own first, so a wrong format is named as such rather
  // than lost in the union's "send either ids or filter".
  bitrateFits(
    v.intersect([
      v.object({
        format: v.optional(audioFormat),
        bitrate: v.optional(about(v.pipe(v.number(), v.integer(), v.minValue(lowestBitrate), v.maxValue(highestBitrate)), bitrateAbout)),
      }),
      bulkSelection({ format: v.optional(v.unknown()), bitrate: v.optional(v.unknown()) }),
    ]),
  ),
  "Either up to 1,000 ids or a filter (the list filters), and the audio format the files are in.",
);
export type BulkExportRequest = v.InferOutput<typeof BulkExportRequest>;
