import { createRoute } from "@hono/zod-openapi";
import { deleteMatching } from "@sonna/core/generations/bulk-delete";
import { createGeneration } from "@sonna/core/generations/create";
import { generationDetail } from "@sonna/core/generations/detail";
import { completeGeneration, deleteGeneration, failGeneration, setFavorite } from "@sonna/core/generations/lifecycle";
import { listGenerations } from "@sonna/core/generations/list";
import { readStats } from "@sonna/core/stats/read";
import { enqueueJob } from "@sonna/core/jobs/enqueue";
import { z } from "@hono/zod-openapi";
import {
  commonErrors,
  conflictError,
  jsonBody,
  jsonContent,
  notFoundError,
  router,
  unprocessableError,
  ErrorSchema,
  acceptedJob,
} from "../openapi";
import {
  BulkSelection,
  JobSchema,
  DeletedCount,
  FailBody,
  FavoriteSchema,
  GenerationCreate,
  GenerationCreated,
  GenerationDetailSchema,
  GenerationSchema,
  IdParam,
  ListQuery,
  ListResponse,
  StatsSchema,
} from "../schemas";

const tags = ["History"];

const IdempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, "1-255 printable ASCII characters")
    .optional()
    .openapi({ description: "Retrying with the same key returns the first result instead of creating twice." }),
});

const favoriteRoute = (method: "post" | "put" | "delete", summary: string) =>
  createRoute({
    method,
    path: "/{id}/favorite",
    tags,
    summary,
    request: { params: IdParam },
    responses: { 200: jsonContent(FavoriteSchema, "The new state."), ...commonErrors, ...notFoundError },
  });

export const historyRoutes = router()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags,
      summary: "Create a pending generation and get its upload URL",
      description:
        "PUT the WAV bytes to `upload.url` (with `upload.headers`), then call `POST /history/{id}/complete`. " +
        "The URL names an upload key, never the served audio: a PUT after completion changes nothing.",
      request: { body: jsonBody(GenerationCreate), headers: IdempotencyHeader },
      responses: {
        201: jsonContent(GenerationCreated, "The pending generation and its upload."),
        ...commonErrors,
        ...notFoundError,
        422: jsonContent(ErrorSchema, "The Idempotency-Key was used with another body."),
      },
    }),
    async (c) =>
      c.json(await createGeneration(c.get("tenant"), c.req.valid("json"), c.req.valid("header")["idempotency-key"]), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags,
      summary: "List generations, newest first",
      description:
        "`total` is exact. Page with `next_cursor` (cheap at any depth) or `offset` (reads every skipped item).",
      request: { query: ListQuery },
      responses: { 200: jsonContent(ListResponse, "A page of generations."), ...commonErrors },
    }),
    async (c) => c.json(await listGenerations(c.get("tenant"), c.req.valid("query")), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/stats",
      tags,
      summary: "Totals, read from aggregate items only",
      responses: { 200: jsonContent(StatsSchema, "The caller's totals."), ...commonErrors },
    }),
    async (c) => c.json(await readStats(c.get("tenant")), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/failed",
      tags,
      summary: "Delete every failed generation",
      responses: { 200: jsonContent(DeletedCount, "How many were deleted."), ...commonErrors },
    }),
    async (c) => c.json({ deleted: await deleteMatching(c.get("tenant"), { status: "failed" }) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/delete",
      tags,
      summary: "Delete many generations: up to 1,000 ids, or every match of a filter",
      description: "Runs as a job; follow `GET /jobs/{id}`. Ids that do not exist are skipped.",
      request: { body: jsonBody(BulkSelection) },
      responses: { 202: jsonContent(JobSchema, "The deletion job."), ...commonErrors },
    }),
    async (c) => acceptedJob(c, await enqueueJob(c.get("tenant"), "history.delete", c.req.valid("json"))),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags,
      summary: "Get a generation, with a download URL once it has audio",
      request: { params: IdParam },
      responses: { 200: jsonContent(GenerationDetailSchema, "The generation."), ...commonErrors, ...notFoundError },
    }),
    async (c) => c.json(await generationDetail(c.get("tenant"), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags,
      summary: "Delete a generation and its audio",
      request: { params: IdParam },
      responses: { 204: { description: "Deleted." }, ...commonErrors, ...notFoundError },
    }),
    async (c) => {
      await deleteGeneration(c.get("tenant"), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/complete",
      tags,
      summary: "Complete a pending generation from its uploaded WAV",
      description:
        "Duration and size come from the uploaded file, and exactly the bytes inspected are copied to the served audio. " +
        "Completing twice returns the same result (the upload's S3 notification completes it too). " +
        "409 `upload.changed` (Retry-After) when the upload was replaced while completing: complete again.",
      request: { params: IdParam },
      responses: {
        200: jsonContent(GenerationSchema, "The completed generation."),
        ...commonErrors,
        ...notFoundError,
        ...conflictError,
        413: jsonContent(ErrorSchema, "The upload exceeds the size cap; it was deleted."),
        ...unprocessableError,
      },
    }),
    async (c) => c.json(await completeGeneration(c.get("tenant"), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/fail",
      tags,
      summary: "Mark a pending generation failed",
      request: { params: IdParam, body: jsonBody(FailBody) },
      responses: { 200: jsonContent(GenerationSchema, "The failed generation."), ...commonErrors, ...notFoundError, ...conflictError },
    }),
    async (c) => c.json(await failGeneration(c.get("tenant"), c.req.valid("param").id, c.req.valid("json").error), 200),
  )
  .openapi(favoriteRoute("post", "Toggle the favorite flag"), async (c) =>
    c.json({ is_favorited: await setFavorite(c.get("tenant"), c.req.valid("param").id) }, 200),
  )
  .openapi(favoriteRoute("put", "Set the favorite flag"), async (c) =>
    c.json({ is_favorited: await setFavorite(c.get("tenant"), c.req.valid("param").id, true) }, 200),
  )
  .openapi(favoriteRoute("delete", "Clear the favorite flag"), async (c) =>
    c.json({ is_favorited: await setFavorite(c.get("tenant"), c.req.valid("param").id, false) }, 200),
  );
