import { setFavorite } from "@sonna/core/generations/favorite";
import { listGenerations } from "@sonna/core/generations/list";
import { listTags } from "@sonna/core/generations/tag-counts";
import { readStats } from "@sonna/core/stats/read";
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
  router,
  quotaConflict,
  quotaConflictError,
  unprocessableError,
  validate,
} from "../openapi";
import {
  DeletedCount,
  FailBody,
  FavoriteSchema,
  GenerationCreate,
  GenerationCreated,
  GenerationDetailSchema,
  GenerationLookup,
  GenerationPatch,
  GenerationSchema,
  IdempotencyHeader,
  IdParam,
  TagCountsSchema,
} from "@sonna/core/shapes/generation";
import { BatchGetBody, BatchGetResult } from "@sonna/core/shapes/batch-get";
import { JobSchema } from "@sonna/core/shapes/job";
import { BulkSelection, ListQuery, ListResponse } from "@sonna/core/shapes/list";
import { StatsSchema } from "@sonna/core/shapes/stats";
import { onFirstUse } from "@sonna/core/lazy";

const tags = ["History"];

// Modules that reach S3 load on the first request that needs them, not at cold start
// (tests/bundle.test.ts keeps the S3 SDK out of the handler's static imports).
const create = onFirstUse(() => import("@sonna/core/generations/create"));
const detail = onFirstUse(() => import("@sonna/core/generations/detail"));
const lifecycle = onFirstUse(() => import("@sonna/core/generations/lifecycle"));
const bulkDelete = onFirstUse(() => import("@sonna/core/generations/bulk-delete"));
const batchGet = onFirstUse(() => import("@sonna/core/generations/batch-get"));
const lookup = onFirstUse(() => import("@sonna/core/generations/lookup"));
const annotate = onFirstUse(() => import("@sonna/core/generations/annotate"));

const favoriteDoc = (summary: string) =>
  describe({ tags, summary, responses: { 200: jsonContent(FavoriteSchema, "The new state."), ...commonErrors, ...notFoundError } });

export const historyRoutes = router()
  .post(
    "/",
    describe({
      tags,
      summary: "Create a pending generation and get its upload URL",
      description:
        "PUT the WAV bytes to `upload.url` (with `upload.headers`), then call `POST /history/{id}/complete`. " +
        "The URL names an upload key, never the served audio: a PUT after completion changes nothing.",
      responses: {
        201: jsonContent(GenerationCreated, "The pending generation and its upload."),
        ...commonErrors,
        ...notFoundError,
        ...bodyErrors(),
        ...quotaConflict("`request.idempotency_target_deleted`: the generation this Idempotency-Key created was deleted (or is in the trash)"),
        422: errorResponse("The Idempotency-Key was used with another body."),
      },
    }),
    validate("header", IdempotencyHeader),
    validate("json", GenerationCreate),
    async (c) => {
      const { createGeneration } = await create();
      return c.json(await createGeneration(c.get("tenant"), c.req.valid("json"), c.req.valid("header")["idempotency-key"]), 201);
    },
  )
  .get(
    "/",
    describe({
      tags,
      summary: "List generations, newest first",
      description: "`total` is exact. Page with `next_cursor` (cheap at any depth) or `offset` (reads every skipped item).",
      responses: { 200: jsonContent(ListResponse, "A page of generations."), ...commonErrors },
    }),
    validate("query", ListQuery),
    async (c) => c.json(await listGenerations(c.get("tenant"), c.req.valid("query")), 200),
  )
  .get(
    "/stats",
    describe({ tags, summary: "Totals, read from aggregate items only", responses: { 200: jsonContent(StatsSchema, "The caller's totals."), ...commonErrors } }),
    async (c) => c.json(await readStats(c.get("tenant")), 200),
  )
  .get(
    "/tags",
    describe({
      tags,
      summary: "The tags in use, with how many generations carry each",
      description: "Generations in the trash are not counted. Most used first, then by tag; read from one counter per tag.",
      responses: { 200: jsonContent(TagCountsSchema, "The caller's tags."), ...commonErrors },
    }),
    async (c) => c.json(await listTags(c.get("tenant")), 200),
  )
  .delete(
    "/failed",
    describe({
      tags,
      summary: "Delete every failed generation",
      description: "With `trash_days` in /settings they go to the trash (`GET /history/trash`), as every delete does.",
      responses: { 200: jsonContent(DeletedCount, "How many were deleted."), ...commonErrors },
    }),
    async (c) => {
      const { deleteFailed } = await bulkDelete();
      return c.json({ deleted: await deleteFailed(c.get("tenant")) }, 200);
    },
  )
  .post(
    "/delete",
    describe({
      tags,
      summary: "Delete many generations: up to 1,000 ids, or every match of a filter",
      description: "Runs as a job; follow `GET /jobs/{id}`. Ids that do not exist are skipped. With `trash_days` in /settings they go to the trash.",
      responses: { 202: jsonContent(JobSchema, "The deletion job."), ...commonErrors, ...bodyErrors() },
    }),
    validate("json", BulkSelection),
    async (c) => acceptedJob(c, await enqueueJob(c.get("tenant"), "history.delete", c.req.valid("json"))),
  )
  .post(
    "/batch-get",
    describe({
      tags,
      summary: "Get up to 100 generations at once, in the order asked",
      description:
        "Each item is what `GET /history/{id}` answers, `audio_url` included (null while pending). " +
        "Ids that find nothing (unknown, malformed, deleted, in the trash, another tenant's) are listed in `missing`; an id asked twice is answered twice.",
      responses: { 200: jsonContent(BatchGetResult, "The generations found, and the ids that found nothing."), ...commonErrors, ...bodyErrors() },
    }),
    validate("json", BatchGetBody),
    async (c) => {
      const { batchGetGenerations } = await batchGet();
      return c.json(await batchGetGenerations(c.get("tenant"), c.req.valid("json").ids), 200);
    },
  )
  .post(
    "/lookup",
    describe({
      tags,
      summary: "Find the newest completed generation made with these settings",
      description:
        "Takes `POST /history`'s settings, with its defaults (a left-out `language` is the profile's); `text` is compared exactly. " +
        "A TTS worker asks before synthesizing and reuses the hit's audio. Costs the same at any history size.",
      responses: {
        200: jsonContent(GenerationDetailSchema, "The newest completed generation with exactly these settings, as `GET /history/{id}` shows it."),
        ...commonErrors,
        404: errorResponse("No completed generation was made with these settings (`generation.not_found`)."),
        ...bodyErrors(),
      },
    }),
    validate("json", GenerationLookup),
    async (c) => {
      const { lookupGeneration } = await lookup();
      return c.json(await lookupGeneration(c.get("tenant"), c.req.valid("json")), 200);
    },
  )
  .get(
    "/:id",
    describe({
      tags,
      summary: "Get a generation, with a download URL once it has audio",
      responses: { 200: jsonContent(GenerationDetailSchema, "The generation."), ...commonErrors, ...notFoundError },
    }),
    validate("param", IdParam),
    async (c) => {
      const { generationDetail } = await detail();
      return c.json(await generationDetail(c.get("tenant"), c.req.valid("param").id), 200);
    },
  )
  .patch(
    "/:id",
    describe({
      tags,
      summary: "Change a generation's tags or note",
      description: "`tags` replaces the set; `note` replaces the note (null clears it). Answers the generation as `GET /history/{id}` does.",
      responses: {
        200: jsonContent(GenerationDetailSchema, "The changed generation."),
        ...commonErrors,
        ...notFoundError,
        409: errorResponse("`generation.busy`: other requests kept changing the generation; retry after `Retry-After`."),
        ...bodyErrors(),
      },
    }),
    validate("param", IdParam),
    validate("json", GenerationPatch),
    async (c) => {
      const { annotateGeneration } = await annotate();
      return c.json(await annotateGeneration(c.get("tenant"), c.req.valid("param").id, c.req.valid("json")), 200);
    },
  )
  .delete(
    "/:id",
    describe({
      tags,
      summary: "Delete a generation and its audio",
      description: "With `trash_days` in /settings it goes to the trash (`GET /history/trash`) instead, audio and all, until restored or purged.",
      responses: { 204: { description: "Deleted." }, ...commonErrors, ...notFoundError },
    }),
    validate("param", IdParam),
    async (c) => {
      const { deleteGeneration } = await lifecycle();
      await deleteGeneration(c.get("tenant"), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .post(
    "/:id/complete",
    describe({
      tags,
      summary: "Complete a pending generation from its uploaded WAV",
      description:
        "Duration and size come from the uploaded file, and exactly the bytes inspected are copied to the served audio. " +
        "Completing twice returns the same result (the upload's S3 notification completes it too). " +
        "409 `upload.changed` (Retry-After) when the upload was replaced while completing: complete again.",
      responses: {
        200: jsonContent(GenerationSchema, "The completed generation."),
        ...commonErrors,
        ...notFoundError,
        ...quotaConflictError,
        413: errorResponse("The upload exceeds the size cap; it was deleted."),
        ...unprocessableError,
      },
    }),
    validate("param", IdParam),
    async (c) => {
      const { completeGeneration } = await lifecycle();
      return c.json(await completeGeneration(c.get("tenant"), c.req.valid("param").id), 200);
    },
  )
  .post(
    "/:id/fail",
    describe({
      tags,
      summary: "Mark a pending generation failed",
      responses: { 200: jsonContent(GenerationSchema, "The failed generation."), ...commonErrors, ...notFoundError, ...conflictError, ...bodyErrors() },
    }),
    validate("param", IdParam),
    validate("json", FailBody),
    async (c) => {
      const { failGeneration } = await lifecycle();
      return c.json(await failGeneration(c.get("tenant"), c.req.valid("param").id, c.req.valid("json").error), 200);
    },
  )
  .post("/:id/favorite", favoriteDoc("Toggle the favorite flag"), validate("param", IdParam), async (c) =>
    c.json({ is_favorited: await setFavorite(c.get("tenant"), c.req.valid("param").id) }, 200),
  )
  .put("/:id/favorite", favoriteDoc("Set the favorite flag"), validate("param", IdParam), async (c) =>
    c.json({ is_favorited: await setFavorite(c.get("tenant"), c.req.valid("param").id, true) }, 200),
  )
  .delete("/:id/favorite", favoriteDoc("Clear the favorite flag"), validate("param", IdParam), async (c) =>
    c.json({ is_favorited: await setFavorite(c.get("tenant"), c.req.valid("param").id, false) }, 200),
  );
