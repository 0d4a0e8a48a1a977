import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { exportAudio, exportGeneration, type DownloadLink } from "@sonna/core/transfer/export";
import { importArchive } from "@sonna/core/transfer/import";
import { completeImport, startImport } from "@sonna/core/transfer/imports";
import { enqueueJob } from "@sonna/core/jobs/enqueue";
import { commonErrors, conflictError, jsonBody, jsonContent, notFoundError, router, unprocessableError, ErrorSchema, acceptedJob } from "../openapi";
import {
  BulkSelection,
  JobSchema,
  DownloadLinkSchema,
  GenerationSchema,
  IdParam,
  ImportForm,
  ImportParam,
  ImportStart,
  ImportStarted,
} from "../schemas";

const tags = ["Export and import"];

/** A browser follows the redirect; an API client asking for JSON gets the link itself. */
const answerWithLink = (c: Context, link: DownloadLink) =>
  c.req.header("accept")?.includes("application/json") ? c.json(link, 200) : c.redirect(link.url, 302);

const linkResponses = {
  200: jsonContent(DownloadLinkSchema, "With `Accept: application/json`: the link."),
  302: { description: "Redirect to the presigned download (Content-Disposition: attachment)." },
  ...commonErrors,
  ...notFoundError,
  ...conflictError,
};

const linkRoute = (path: "/{id}/export" | "/{id}/export-audio", summary: string) =>
  createRoute({ method: "get", path, tags, summary, request: { params: IdParam }, responses: linkResponses });

const tooLarge = { 413: jsonContent(ErrorSchema, "The archive is over the size cap.") };

/** A complete call waits this long for an import the upload event is running before answering 409 import.in_progress. */
const IMPORT_WAIT_MS = 20_000;
/** Kept back from a Lambda request's time to hand an unfinished import back and answer. */
const ANSWER_MARGIN_MS = 5_000;

export const transferRoutes = router()
  .openapi(
    linkRoute("/{id}/export", "Download a generation as a ZIP (generation.json, audio.wav, versions)"),
    async (c) => answerWithLink(c, await exportGeneration(c.get("tenant"), c.req.valid("param").id)),
  )
  .openapi(
    linkRoute("/{id}/export-audio", "Download a generation's audio (its default version) as a WAV"),
    async (c) => answerWithLink(c, await exportAudio(c.get("tenant"), c.req.valid("param").id)),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/exports",
      tags,
      summary: "Export many generations as ZIP parts: up to 1,000 ids, or every match of a filter",
      description:
        "Runs as a job; when it succeeds, `GET /jobs/{id}` has `result.url` (the first part) and `result.parts`. " +
        "Each part holds a folder per profile name, a folder per generation (generation.json, audio.wav, versions) and an index.json.",
      request: { body: jsonBody(BulkSelection) },
      responses: { 202: jsonContent(JobSchema, "The export job."), ...commonErrors },
    }),
    async (c) => acceptedJob(c, await enqueueJob(c.get("tenant"), "history.export", c.req.valid("json"))),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/import",
      tags,
      summary: "Import a ZIP (ours or Voicebox's) sent in the request, up to 6 MB",
      description: "Larger archives: `POST /history/imports`.",
      request: { body: { content: { "multipart/form-data": { schema: ImportForm } }, required: true } },
      responses: {
        201: jsonContent(GenerationSchema, "The imported generation."),
        ...commonErrors,
        ...notFoundError,
        ...conflictError,
        ...tooLarge,
        ...unprocessableError,
      },
    }),
    async (c) => {
      const { file, profile_id } = c.req.valid("form");
      const source = file.stream() as unknown as AsyncIterable<Uint8Array>;
      return c.json(await importArchive(c.get("tenant"), source, { profileId: profile_id }), 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/imports",
      tags,
      summary: "Start a large import (up to 2 GiB): get a URL to PUT the ZIP to",
      request: { body: jsonBody(ImportStart) },
      responses: { 201: jsonContent(ImportStarted, "The import and its upload."), ...commonErrors, ...notFoundError },
    }),
    async (c) => c.json(await startImport(c.get("tenant"), c.req.valid("json").profile_id), 201),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/imports/{import_id}/complete",
      tags,
      summary: "Import the uploaded ZIP",
      description:
        "The upload's own S3 notification runs the import too; whichever comes first runs it and the other waits for it. " +
        "Every call answers the same: 201 with the imported generation (whoever ran the import), or the refusal the archive got. " +
        "409 `import.in_progress` (with Retry-After) while it is still running, e.g. an archive too big to import within one request.",
      request: { params: ImportParam },
      responses: {
        201: jsonContent(GenerationSchema, "The imported generation."),
        ...commonErrors,
        ...notFoundError,
        ...conflictError,
        ...tooLarge,
        ...unprocessableError,
      },
    }),
    async (c) => {
      const lambda = c.env?.lambdaContext;
      const deadline = lambda ? Date.now() + lambda.getRemainingTimeInMillis() - ANSWER_MARGIN_MS : undefined;
      return c.json(await completeImport(c.get("tenant"), c.req.valid("param").import_id, { waitMs: IMPORT_WAIT_MS, deadline }), 201);
    },
  );
