import { createRoute } from "@hono/zod-openapi";
import { jobView } from "@sonna/core/jobs/view";
import { commonErrors, jsonContent, notFoundError, router } from "../openapi";
import { IdParam, JobSchema } from "../schemas";

export const jobRoutes = router().openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["Jobs"],
    summary: "A background job's status, progress and result",
    request: { params: IdParam },
    responses: { 200: jsonContent(JobSchema, "The job."), ...commonErrors, ...notFoundError },
  }),
  async (c) => c.json(await jobView(c.get("tenant"), c.req.valid("param").id), 200),
);
