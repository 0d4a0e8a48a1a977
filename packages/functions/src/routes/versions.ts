import { GenerationSchema, IdParam, VersionCreate, VersionCreated, VersionParams } from "@sonna/core/shapes/generation";
import { bodyErrors, commonErrors, errorResponse, conflictError, describe, jsonContent, notFoundError, quotaConflictError, router, unprocessableError, validate } from "../openapi";
import { onFirstUse } from "@sonna/core/lazy";

const tags = ["Versions"];

// Every version route reaches S3; the module loads on first use, not at cold start (tests/bundle.test.ts).
const versions = onFirstUse(() => import("@sonna/core/generations/versions"));

const versionChange = (summary: string, extra: Record<number, ReturnType<typeof errorResponse>> = {}) =>
  describe({
    tags,
    summary,
    responses: { 200: jsonContent(GenerationSchema, "The generation with its versions."), ...commonErrors, ...notFoundError, ...conflictError, ...extra },
  });

export const versionRoutes = router()
  .post(
    "/:id/versions",
    describe({
      tags,
      summary: "Add a processed version and get its upload URL",
      responses: { 201: jsonContent(VersionCreated, "The pending version and its upload."), ...commonErrors, ...notFoundError, ...conflictError, ...bodyErrors() },
    }),
    validate("param", IdParam),
    validate("json", VersionCreate),
    async (c) => {
      const { createVersion } = await versions();
      return c.json(await createVersion(c.get("tenant"), c.req.valid("param").id, c.req.valid("json")), 201);
    },
  )
  .post(
    "/:id/versions/:versionId/complete",
    versionChange("Complete a version from its uploaded WAV", {
      ...quotaConflictError,
      413: errorResponse("The upload exceeds the size cap; it was deleted."),
      ...unprocessableError,
    }),
    validate("param", VersionParams),
    async (c) => {
      const { id, versionId } = c.req.valid("param");
      const { completeVersion } = await versions();
      return c.json(await completeVersion(c.get("tenant"), id, versionId), 200);
    },
  )
  .put("/:id/versions/:versionId/default", versionChange("Make a version the default"), validate("param", VersionParams), async (c) => {
    const { id, versionId } = c.req.valid("param");
    const { setDefaultVersion } = await versions();
    return c.json(await setDefaultVersion(c.get("tenant"), id, versionId), 200);
  })
  .delete("/:id/versions/:versionId", versionChange("Delete a processed version and its audio"), validate("param", VersionParams), async (c) => {
    const { id, versionId } = c.req.valid("param");
    const { deleteVersion } = await versions();
    return c.json(await deleteVersion(c.get("tenant"), id, versionId), 200);
  });
