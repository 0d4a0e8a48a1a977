import type { Context } from "hono";
import { GenerationSchema, IdParam } from "@sonna/core/shapes/generation";
import { JobSchema } from "@sonna/core/shapes/job";
import { AudioExportQuery, BulkExportRequest, DownloadLinkSchema, ImportForm, ImportParam, ImportStart, ImportStarted, type DownloadLink } from "@sonna/core/shapes/transfer";
import { enqueueJob } from "@sonna/core/jobs/enqueue";
import {
  acceptedJob,
  bodyErrors,
  commonErrors,
  conflictError,
  describe,
  errorResponse,
  jsonContent,
  notFoundError,
  quotaConflictError,
  router,
  unprocessableError,
  validate,
} from "../openapi";
import { onFirstUse } from "@sonna/core/lazy";

const tags = ["Export and import"];

// Exports and imports reach S3, fflate and yauzl; they load on first use, not at cold start (tests/bundle.test.ts).
const exports = onFirstUse(() => import("@sonna/core/transfer/export"));
const audioExports = onFirstUse(() => import("@sonna/core/transfer/audio-export"));
const inRequestImport = onFirstUse(() => import("@sonna/core/transfer/import"));
const largeImports = onFirstUse(() => import("@sonna/core/transfer/imports"));

/** A browser follows the redirect; an API client asking for JSON gets the link itself. */
const answerWithLink = (c: Context, link: DownloadLink) =>
  c.req.header("accept")?.includes("application/json") ? c.json(link, 200) : c.redirect(link.url, 302);

const linkDoc = (summary: string) =>
  describe({
    tags,
    summary,
    responses: {
      200: jsonContent(DownloadLinkSchema, "With `Accept: application/json`: the link."),
      302: { description: "Redirect to the presigned download (Content-Disposition: attachment)." },
      ...commonErrors,
      ...notFoundError,
      ...conflictError,
    },
  });

const importedResponses = {
  201: jsonContent(GenerationSchema, "The imported generation."),
  ...commonErrors,
  ...notFoundError,
  ...quotaConflictError,
  413: errorResponse("The archive is over the size cap."),
  ...unprocessableError,
};

/**
 * The largest body POST /history/import takes. API Gateway base64-encodes a binary body into the
 * Lambda event, and a synchronous invocation carries at most 6,291,456 bytes: 4 bytes of base64
 * for every 3 of body, with 16 KiB kept for the rest of the event (an HTTP API caps a request's
 * headers at 10 KiB).
 */
export const IMPORT_BODY_LIMIT = Math.floor((6_291_456 - 16 * 1024) / 4) * 3;

/** A complete call waits this long for an import the upload event is running before answering 409 import.in_progress. */
const IMPORT_WAIT_MS = 20_000;
/** Kept back from a Lambda request's time to hand an unfinished import back and answer. */
const ANSWER_MARGIN_MS = 5_000;

export const transferRoutes = router()
  .get(
    "/:id/export",
    linkDoc("Download a generation as a ZIP (generation.json, audio.wav, versions)"),
    validate("param", IdParam),
    async (c) => {
      const { exportGeneration } = await exports();
      return answerWithLink(c, await exportGeneration(c.get("tenant"), c.req.valid("param").id));
    },
  )
  .get(
    "/:id/export-audio",
    describe({
      tags,
      summary: "Download a generation's audio (its default version, or `version_id`) as WAV, FLAC, MP3 or Opus",
      description:
        "`wav` is always the original bytes. Archived audio (stored as FLAC) is restored first: within the request up to 100 MB, " +
        "else the answer is 202 with an `audio.restore` job; once it has succeeded the same call gives the link. " +
        "A format other than `wav` is transcoded once and kept for a day, so asking again is only a new link. " +
        "Audio too large to transcode within the request answers 202 with an `audio.transcode` job; when it succeeds, " +
        "`GET /jobs/{id}` has `result.url`, `result.filename` and `result.size_bytes`.",
      responses: {
        200: jsonContent(DownloadLinkSchema, "With `Accept: application/json`: the link."),
        202: jsonContent(JobSchema, "Large audio: the job restoring (`audio.restore`) or transcoding (`audio.transcode`) it."),
        302: { description: "Redirect to the presigned download (Content-Disposition: attachment, the format's Content-Type)." },
        ...commonErrors,
        ...notFoundError,
        ...conflictError,
        422: errorResponse("The audio cannot be held in this format without loss (`audio.format_unsupported`), e.g. FLAC of 32-bit or float audio."),
      },
    }),
    validate("param", IdParam),
    validate("query", AudioExportQuery),
    async (c) => {
      const { exportAudio } = await audioExports();
      const answer = await exportAudio(c.get("tenant"), c.req.valid("param").id, { format: "wav", ...c.req.valid("query") });
      return "url" in answer ? answerWithLink(c, answer) : acceptedJob(c, answer);
    },
  )
  .post(
    "/exports",
    describe({
      tags,
      summary: "Export many generations as ZIP parts: up to 1,000 ids, or every match of a filter",
      description:
        "Runs as a job; when it succeeds, `GET /jobs/{id}` has `result.url` (the first part) and `result.parts`. " +
        "Each part holds a folder per profile name, a folder per generation (generation.json, audio.wav, versions) and an index.json. " +
        "`result.skipped` counts what was left out: generations not completed, and ids not found, which `result.not_found` names. " +
        "`format` (default `wav`) and `bitrate` choose the audio files' format as for `GET /history/{id}/export-audio`; " +
        "only a `wav` export can be imported again. Audio a format cannot hold (FLAC of 32-bit or float audio) stays WAV in the archive.",
      responses: { 202: jsonContent(JobSchema, "The export job."), ...commonErrors, ...bodyErrors() },
    }),
    validate("json", BulkExportRequest),
    async (c) => acceptedJob(c, await enqueueJob(c.get("tenant"), "history.export", c.req.valid("json"))),
  )
  .post(
    "/import",
    describe({
      tags,
      summary: `Import a ZIP (ours or Voicebox's) sent in the request, up to ${IMPORT_BODY_LIMIT} bytes of multipart body`,
      description: "Larger archives: `POST /history/imports`.",
      responses: { ...importedResponses, ...bodyErrors(IMPORT_BODY_LIMIT) },
    }),
    validate("form", ImportForm, { maxBytes: IMPORT_BODY_LIMIT, tooLargeHint: " Use POST /history/imports for large archives." }),
    async (c) => {
      const { file, profile_id } = c.req.valid("form");
      const { importArchive } = await inRequestImport();
      return c.json(await importArchive(c.get("tenant"), new Uint8Array(await file.arrayBuffer()), { profileId: profile_id }), 201);
    },
  )
  .post(
    "/imports",
    describe({
      tags,
      summary: "Start a large import (up to 2 GiB): get a URL to PUT the ZIP to",
      responses: { 201: jsonContent(ImportStarted, "The import and its upload."), ...commonErrors, ...notFoundError, ...bodyErrors() },
    }),
    validate("json", ImportStart),
    async (c) => {
      const { startImport } = await largeImports();
      return c.json(await startImport(c.get("tenant"), c.req.valid("json").profile_id), 201);
    },
  )
  .post(
    "/imports/:import_id/complete",
    describe({
      tags,
      summary: "Import the uploaded ZIP",
      description:
        "The upload's own S3 notification runs the import too; whichever comes first runs it and the other waits for it. " +
        "Every call answers the same: 201 with the imported generation (whoever ran the import), or the refusal the archive got. " +
        "409 `import.in_progress` (with Retry-After) while it is still running, e.g. an archive too big to import within one request.",
      responses: importedResponses,
    }),
    validate("param", ImportParam),
    async (c) => {
      const { completeImport } = await largeImports();
      const lambda = c.env?.lambdaContext;
      const deadline = lambda ? Date.now() + lambda.getRemainingTimeInMillis() - ANSWER_MARGIN_MS : undefined;
      return c.json(await completeImport(c.get("tenant"), c.req.valid("param").import_id, { waitMs: IMPORT_WAIT_MS, deadline }), 201);
    },
  );
