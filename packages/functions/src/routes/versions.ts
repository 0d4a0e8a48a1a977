import { createRoute } from "@hono/zod-openapi";
import { completeVersion, createVersion, deleteVersion, setDefaultVersion } from "@sonna/core/generations/versions";
import { commonErrors, conflictError, jsonBody, jsonContent, notFoundError, router, unprocessableError } from "../openapi";
import { GenerationSchema, IdParam, VersionCreate, VersionCreated, VersionParams } from "../schemas";

const tags = ["Versions"];

const versionChange = (method: "post" | "put" | "delete", path: string, summary: string, extra = {}) =>
  createRoute({
    method,
    path,
    tags,
    summary,
    request: { params: VersionParams },
    responses: { 200: jsonContent(GenerationSchema, "The generation with its versions."), ...commonErrors, ...notFoundError, ...conflictError, ...extra },
  });

export const versionRoutes = router()
  .openapi(
    createRoute({
      method: "post",
      path: "/{id}/versions",
      tags,
      summary: "Add a processed version and get its upload URL",
      request: { params: IdParam, body: jsonBody(VersionCreate) },
      responses: { 201: jsonContent(VersionCreated, "The pending version and its upload."), ...commonErrors, ...notFoundError, ...conflictError },
    }),
    async (c) => c.json(await createVersion(c.get("tenant"), c.req.valid("param").id, c.req.valid("json")), 201),
  )
  .openapi(
    versionChange("post", "/{id}/versions/{versionId}/complete", "Complete a version from its uploaded WAV", unprocessableError),
    async (c) => {
      const { id, versionId } = c.req.valid("param");
      return c.json(await completeVersion(c.get("tenant"), id, versionId), 200);
    },
  )
  .openapi(versionChange("put", "/{id}/versions/{versionId}/default", "Make a version the default"), async (c) => {
    const { id, versionId } = c.req.valid("param");
    return c.json(await setDefaultVersion(c.get("tenant"), id, versionId), 200);
  })
  .openapi(versionChange("delete", "/{id}/versions/{versionId}", "Delete a processed version and its audio"), async (c) => {
    const { id, versionId } = c.req.valid("param");
    return c.json(await deleteVersion(c.get("tenant"), id, versionId), 200);
  });
