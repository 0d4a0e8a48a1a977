import { GenerationDetailSchema, IdParam } from "@sonna/core/shapes/generation";
import { JobSchema } from "@sonna/core/shapes/job";
import { RestoreRequest, TrashList, TrashQuery } from "@sonna/core/shapes/trash";
import { listTrash } from "@sonna/core/trash/list";
import { onFirstUse } from "@sonna/core/lazy";
import { acceptedJob, bodyErrors, commonErrors, describe, jsonContent, notFoundError, quotaConflict, router, validate } from "../openapi";

const tags = ["Trash"];

// Purges reach S3 and a restore answers a download URL: loaded on first use, not at cold start (tests/bundle.test.ts).
const purge = onFirstUse(() => import("@sonna/core/trash/purge"));
const restore = onFirstUse(() => import("@sonna/core/trash/restore"));

/** Mounted at /history/trash, before /history, so `trash` is never taken for a generation id. */
export const trashRoutes = router()
  .get(
    "/",
    describe({
      tags,
      summary: "List the trash, newest-deleted first",
      description:
        "Generations deleted while `trash_days` (in /settings) was above 0, each with `deleted_at` and `purge_at`. " +
        "They are gone from lists, search, stats and tag counts; their audio is kept and counts against `quota_bytes`. Page with `next_cursor`.",
      responses: { 200: jsonContent(TrashList, "A page of the trash."), ...commonErrors },
    }),
    validate("query", TrashQuery),
    async (c) => c.json(await listTrash(c.get("tenant"), c.req.valid("query")), 200),
  )
  .delete(
    "/",
    describe({
      tags,
      summary: "Empty the trash: purge every trashed generation and its audio",
      description: "Runs as a job (follow `GET /jobs/{id}`; its result has `purged`). What is deleted after this request stays in the trash.",
      responses: { 202: jsonContent(JobSchema, "The purge job."), ...commonErrors },
    }),
    async (c) => {
      const { requestEmptyTrash } = await purge();
      return acceptedJob(c, await requestEmptyTrash(c.get("tenant")));
    },
  )
  .post(
    "/:id/restore",
    describe({
      tags,
      summary: "Restore a trashed generation exactly as it was",
      description:
        "Same id, fields, versions, favorite, tags and audio, counted in stats again. The optional body's `profile_id` restores it " +
        "into that profile; without it, a generation whose profile was deleted is refused with 409 `profile.missing`.",
      responses: {
        200: jsonContent(GenerationDetailSchema, "The restored generation, as GET /history/{id} shows it."),
        ...commonErrors,
        ...notFoundError,
        ...quotaConflict("`profile.missing`: its profile was deleted (name another)"),
        ...bodyErrors(),
      },
    }),
    validate("param", IdParam),
    validate("json", RestoreRequest, { required: false }),
    async (c) => {
      const { restoreGeneration } = await restore();
      return c.json(await restoreGeneration(c.get("tenant"), c.req.valid("param").id, c.req.valid("json").profile_id), 200);
    },
  )
  .delete(
    "/:id",
    describe({
      tags,
      summary: "Purge one trashed generation and its audio now",
      responses: { 204: { description: "Purged." }, ...commonErrors, ...notFoundError },
    }),
    validate("param", IdParam),
    async (c) => {
      const { purgeTrashed } = await purge();
      await purgeTrashed(c.get("tenant"), c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
