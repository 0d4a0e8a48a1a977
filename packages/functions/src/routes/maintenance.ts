import { JobSchema } from "@sonna/core/shapes/job";
import { ArchiveRequest, ReconcileRequest } from "@sonna/core/shapes/transfer";
import { acceptedJob, bodyErrors, commonErrors, describe, jsonContent, router, validate } from "../openapi";
import { onFirstUse } from "@sonna/core/lazy";

// Reconcile's module reaches S3; it loads on first use, not at cold start (tests/bundle.test.ts).
const maintenanceJobs = onFirstUse(() => import("@sonna/core/maintenance/jobs"));

export const maintenanceRoutes = router()
  .post(
    "/reconcile",
    describe({
      tags: ["Maintenance"],
      summary: "Reconcile records and stored audio now",
      description:
        "Runs as a job (follow `GET /jobs/{id}`), like the daily sweep does: completed generations whose audio is gone " +
        "become failed with `audio missing`, processed versions whose audio is gone are removed, objects no record claims " +
        "that are over a day old are deleted, and generations still pending after a day are failed with " +
        "`upload never completed` (or completed, if their upload did land). The result counts each: " +
        "`missing_audio`, `missing_versions`, `orphans_deleted`, `stale_pending`, `stale_pending_versions`, `recovered_uploads`.",
      responses: { 202: jsonContent(JobSchema, "The reconcile job."), ...commonErrors, ...bodyErrors() },
    }),
    validate("json", ReconcileRequest, { required: false }),
    async (c) => {
      const { requestReconcile } = await maintenanceJobs();
      return acceptedJob(c, await requestReconcile(c.get("tenant")));
    },
  )
  .post(
    "/archive",
    describe({
      tags: ["Maintenance"],
      summary: "Archive audio older than N days now (archival compression)",
      description:
        "Runs as a job (follow `GET /jobs/{id}`), as the daily sweep does for `archive_after_days`: every completed generation's " +
        "and version's audio older than `older_than_days` is stored as FLAC and its WAV deleted. Downloads still give the original " +
        "WAV bytes. Float WAVs, 32-bit PCM and audio FLAC shrinks by less than 10% stay WAV (recorded, not tried again). " +
        "The result counts `archived`, `kept_wav` and `bytes_saved`.",
      responses: { 202: jsonContent(JobSchema, "The archive job."), ...commonErrors, ...bodyErrors() },
    }),
    validate("json", ArchiveRequest),
    async (c) => {
      const { requestArchive } = await maintenanceJobs();
      return acceptedJob(c, await requestArchive(c.get("tenant"), c.req.valid("json").older_than_days));
    },
  );
