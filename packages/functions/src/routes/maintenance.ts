import { createRoute, z } from "@hono/zod-openapi";
import { requestReconcile } from "@sonna/core/maintenance/jobs";
import { commonErrors, jsonContent, router, acceptedJob } from "../openapi";
import { JobSchema } from "../schemas";

/** No options: how old an unclaimed object must be before it is deleted is not the caller's choice. */
const NoBody = z.object({}).strict().openapi("ReconcileRequest");

export const maintenanceRoutes = router().openapi(
  createRoute({
    method: "post",
    path: "/reconcile",
    tags: ["Maintenance"],
    summary: "Reconcile records and stored audio now",
    description:
      "Runs as a job (follow `GET /jobs/{id}`), like the daily sweep does: completed generations whose audio is gone " +
      "become failed with `audio missing`, processed versions whose audio is gone are removed, objects no record claims " +
      "that are over a day old are deleted, and generations still pending after a day are failed with " +
      "`upload never completed` (or completed, if their upload did land). The result counts each: " +
      "`missing_audio`, `missing_versions`, `orphans_deleted`, `stale_pending`, `stale_pending_versions`, `recovered_uploads`.",
    request: { body: { content: { "application/json": { schema: NoBody } }, required: false } },
    responses: { 202: jsonContent(JobSchema, "The reconcile job."), ...commonErrors },
  }),
  async (c) => acceptedJob(c, await requestReconcile(c.get("tenant"))),
);
